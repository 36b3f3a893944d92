"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

/**
 * Shows a newly issued secret once. The parent drops the plaintext from its state when
 * this closes; nothing else on the page keeps it.
 */
export function PlaintextDialog({
  plaintext,
  title,
  onClose,
}: {
  plaintext: string | null;
  title: string;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (plaintext && !dialog.open) dialog.showModal();
    if (!plaintext && dialog.open) dialog.close();
    setCopied(false);
  }, [plaintext]);

  return (
    <dialog
      ref={ref}
      aria-labelledby="plaintext-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className="m-auto w-full max-w-lg rounded-lg border border-zinc-200 p-0 shadow-xl backdrop:bg-zinc-900/40"
    >
      <div className="space-y-4 p-6">
        <h2 id="plaintext-title" className="text-lg font-semibold">
          {title}
        </h2>
        <p
          role="note"
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          Copy this key now and store it somewhere safe. Keyplane keeps only a hash: it will not be
          shown again.
        </p>
        <label htmlFor="plaintext-value" className="block text-sm font-medium">
          Secret key
        </label>
        <input
          id="plaintext-value"
          readOnly
          value={plaintext ?? ""}
          onFocus={(e) => e.currentTarget.select()}
          className="block w-full rounded-md border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-sm"
        />
        <div className="flex justify-between gap-2">
          <Button
            variant="secondary"
            onClick={async () => {
              if (!plaintext) return;
              await navigator.clipboard.writeText(plaintext).catch(() => {});
              setCopied(true);
            }}
          >
            {copied ? "Copied" : "Copy"}
          </Button>
          <Button onClick={onClose}>I have copied it</Button>
        </div>
      </div>
    </dialog>
  );
}
