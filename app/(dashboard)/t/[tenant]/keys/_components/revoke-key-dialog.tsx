"use client";

import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useFormAction } from "@/components/ui/use-form-action";
import { revokeKeyAction } from "@/lib/keys/actions";

/** "Revoke compromised key": one dialog, a reason, and the key stops verifying at once. */
export function RevokeKeyDialog({
  tenant,
  keyId,
  keyName,
  open,
  onClose,
}: {
  tenant: string;
  keyId: string;
  keyName: string;
  open: boolean;
  onClose: () => void;
}) {
  const { state, formAction, pending, errors } = useFormAction(revokeKeyAction, {
    onSuccess: onClose,
  });
  return (
    <ConfirmDialog
      open={open}
      title={`Revoke "${keyName}"?`}
      confirmLabel="Revoke key"
      onCancel={onClose}
      formAction={formAction}
      pending={pending}
    >
      <input type="hidden" name="tenant" value={tenant} />
      <input type="hidden" name="keyId" value={keyId} />
      <p className="text-sm text-zinc-600">
        Verification fails from now on. This cannot be undone; the key stays listed for the audit
        trail.
      </p>
      <div className="space-y-1">
        <label htmlFor={`revoke-reason-${keyId}`} className="block text-sm font-medium">
          Reason
        </label>
        <input
          id={`revoke-reason-${keyId}`}
          name="reason"
          defaultValue="Compromised"
          required
          aria-invalid={Boolean(errors.reason)}
          aria-describedby={errors.reason ? `revoke-reason-${keyId}-error` : undefined}
          className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm"
        />
        {errors.reason ? (
          <p id={`revoke-reason-${keyId}-error`} className="text-sm text-red-600">
            {errors.reason.join(" ")}
          </p>
        ) : null}
      </div>
      {state.status === "error" && !errors.reason ? (
        <p role="alert" className="text-sm text-red-600">
          {state.message}
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
