"use client";

import { useEffect, useId, useRef, useState } from "react";
import { Button } from "./button";

/**
 * Shows a newly issued secret, once. Closing it (button or Escape) asks the parent to
 * drop the plaintext from its state; the server never sends it again.
 */
export function SecretDialog({
  plaintext,
  title,
  label,
  doneLabel,
  onClose,
}: {
  plaintext: string | null;
  title: string;
  label: string;
  doneLabel: string;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (plaintext && !dialog.open) {
      setCopied("idle");
      dialog.showModal();
    }
    if (!plaintext && dialog.open) dialog.close();
  }, [plaintext]);

  async function copy() {
    if (!plaintext) return;
    try {
      await navigator.clipboard.writeText(plaintext);
      setCopied("copied");
    } catch {
      // Clipboard access can be refused (permissions, insecure origin); the field is
      // selected instead so Ctrl+C works.
      setCopied("failed");
      document.getElementById(`${id}-value`)?.focus();
    }
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-warning`}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      className="m-auto w-full max-w-lg rounded-lg border border-zinc-200 p-0 shadow-xl backdrop:bg-zinc-900/40"
    >
      <div className="space-y-4 p-6">
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          {title}
        </h2>
        <p
          id={`${id}-warning`}
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          This is the only time the key is shown. Keyplane stores only a hash of it, so it will not
          be shown again: store it somewhere safe now.
        </p>
        <div className="space-y-1">
          <label htmlFor={`${id}-value`} className="block text-sm font-medium">
            {label}
          </label>
          <div className="flex gap-2">
            <input
              id={`${id}-value`}
              readOnly
              value={plaintext ?? ""}
              onFocus={(event) => event.currentTarget.select()}
              spellCheck={false}
              autoComplete="off"
              className="block w-full min-w-0 rounded-md border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-sm"
            />
            <Button variant="secondary" onClick={copy}>
              {copied === "copied" ? "Copied" : "Copy"}
            </Button>
          </div>
          <p aria-live="polite" className="min-h-5 text-xs text-zinc-500">
            {copied === "copied"
              ? "Copied to the clipboard."
              : copied === "failed"
                ? "Could not reach the clipboard: the key is selected, press Ctrl+C (⌘C)."
                : ""}
          </p>
        </div>
        <div className="flex justify-end">
          <Button onClick={onClose}>{doneLabel}</Button>
        </div>
      </div>
    </dialog>
  );
}
