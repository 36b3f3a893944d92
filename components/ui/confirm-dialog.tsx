"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";
import { Button } from "./button";

/**
 * A modal confirmation built on the native <dialog> element: focus is trapped, Escape
 * closes it, and the rest of the page is inert while it is open.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  tone = "danger",
  onCancel,
  formAction,
  pending,
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  tone?: "danger" | "primary";
  onCancel: () => void;
  /** The confirm button submits this form content; children may hold inputs. */
  formAction: (formData: FormData) => void;
  pending?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // Several dialogs can share a page (one per table row), so each needs its own id.
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
      aria-labelledby={titleId}
      className="m-auto w-full max-w-md rounded-lg border border-zinc-200 p-0 shadow-xl backdrop:bg-zinc-900/40"
    >
      <form action={formAction} className="space-y-4 p-6">
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>
        {children}
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" variant={tone} disabled={pending}>
            {pending ? "Working…" : confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
