"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useFormAction } from "@/components/ui/use-form-action";
import { bulkKeysAction } from "@/lib/keys/actions";

export function BulkActions({
  tenant,
  keyIds,
  onDone,
}: {
  tenant: string;
  keyIds: string[];
  onDone: () => void;
}) {
  const [mode, setMode] = useState<"suspend" | "revoke" | null>(null);
  const { formAction, pending } = useFormAction(bulkKeysAction, {
    toastErrors: true,
    onSuccess: () => {
      setMode(null);
      onDone();
    },
  });

  const count = `${keyIds.length} key${keyIds.length === 1 ? "" : "s"}`;
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setMode("suspend")}>
        Suspend selected
      </Button>
      <Button size="sm" variant="danger" onClick={() => setMode("revoke")}>
        Revoke selected
      </Button>
      <ConfirmDialog
        open={mode !== null}
        title={mode === "revoke" ? `Revoke ${count}?` : `Suspend ${count}?`}
        confirmLabel={mode === "revoke" ? `Revoke ${count}` : `Suspend ${count}`}
        tone={mode === "revoke" ? "danger" : "primary"}
        onCancel={() => setMode(null)}
        formAction={formAction}
        pending={pending}
      >
        <input type="hidden" name="tenant" value={tenant} />
        <input type="hidden" name="action" value={mode ?? ""} />
        {keyIds.map((id) => (
          <input key={id} type="hidden" name="keyIds[]" value={id} />
        ))}
        {mode === "revoke" ? (
          <div className="space-y-1">
            <label htmlFor="bulk-reason" className="block text-sm font-medium">
              Reason
            </label>
            <input
              id="bulk-reason"
              name="reason"
              required
              defaultValue="Compromised"
              className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm"
            />
            <p className="text-sm text-zinc-600">
              Revoked keys stop verifying at once. This cannot be undone.
            </p>
          </div>
        ) : (
          <p className="text-sm text-zinc-600">
            Suspended keys stop verifying until they are reactivated.
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
