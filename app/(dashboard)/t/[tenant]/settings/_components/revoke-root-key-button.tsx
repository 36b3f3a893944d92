"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useFormAction } from "@/components/ui/use-form-action";
import { revokeRootKeyAction } from "@/lib/rootkeys/actions";

/**
 * Stays mounted after the key is revoked (rendering nothing), so the success toast
 * still fires when the revalidated row arrives with the result.
 */
export function RevokeRootKeyButton({
  tenant,
  rootKeyId,
  name,
  isRevoked,
}: {
  tenant: string;
  rootKeyId: string;
  name: string;
  isRevoked: boolean;
}) {
  const [isConfirming, setIsConfirming] = useState(false);
  const { formAction, pending } = useFormAction(revokeRootKeyAction, {
    toastErrors: true,
    onSettled: () => setIsConfirming(false),
  });
  if (isRevoked) return null;
  return (
    <>
      <Button
        size="sm"
        variant="secondary"
        onClick={() => setIsConfirming(true)}
        aria-label={`Revoke root key ${name}`}
        className="text-red-700"
      >
        Revoke
      </Button>
      {/* Mounted only while open: ConfirmDialog's heading id is fixed, and one dialog
          per row would give every dialog the first row's name. */}
      {isConfirming ? (
        <ConfirmDialog
          open
          title={`Revoke root key "${name}"?`}
          confirmLabel="Revoke root key"
          onCancel={() => setIsConfirming(false)}
          formAction={formAction}
          pending={pending}
        >
          <input type="hidden" name="tenant" value={tenant} />
          <input type="hidden" name="rootKeyId" value={rootKeyId} />
          <p className="text-sm text-zinc-600">
            Every service using this key is refused from its next request. This cannot be undone;
            create a new root key to restore access.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
