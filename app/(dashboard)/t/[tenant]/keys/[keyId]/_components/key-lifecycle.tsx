"use client";

import { useCallback, useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { SecretDialog } from "@/components/ui/secret-dialog";
import { useFormAction } from "@/components/ui/use-form-action";
import { reactivateKeyAction, rollKeyAction, suspendKeyAction } from "@/lib/keys/actions";
import type { KeyStatusLabel } from "@/lib/keys/dto";
import { RevokeKeyDialog } from "../../_components/revoke-key-dialog";

export function KeyLifecycle({
  tenant,
  keyId,
  keyName,
  status,
}: {
  tenant: string;
  keyId: string;
  keyName: string;
  status: KeyStatusLabel;
}) {
  const [dialog, setDialog] = useState<"roll" | "revoke" | null>(null);
  const [plaintext, setPlaintext] = useState<string | null>(null);
  const close = useCallback(() => setDialog(null), []);
  const suspension = useFormAction(suspendKeyAction, { toastErrors: true });
  const reactivation = useFormAction(reactivateKeyAction, { toastErrors: true });
  const roll = useFormAction(rollKeyAction, {
    toastErrors: true,
    onSuccess: (result) => {
      setDialog(null);
      if (result.status === "success" && result.data) setPlaintext(result.data.plaintext);
    },
  });

  if (status === "REVOKED") return null;
  const hidden = (
    <>
      <input type="hidden" name="tenant" value={tenant} />
      <input type="hidden" name="keyId" value={keyId} />
    </>
  );
  return (
    <>
      {status === "SUSPENDED" ? (
        <form action={reactivation.formAction}>
          {hidden}
          <Button type="submit" variant="secondary" disabled={reactivation.pending}>
            Reactivate
          </Button>
        </form>
      ) : (
        <form action={suspension.formAction}>
          {hidden}
          <Button type="submit" variant="secondary" disabled={suspension.pending}>
            Suspend
          </Button>
        </form>
      )}
      <Button variant="secondary" onClick={() => setDialog("roll")}>
        Roll secret
      </Button>
      <Button variant="danger" onClick={() => setDialog("revoke")}>
        Revoke compromised key
      </Button>
      <ConfirmDialog
        open={dialog === "roll"}
        title="Roll this key's secret?"
        confirmLabel="Issue new secret"
        tone="primary"
        onCancel={close}
        formAction={roll.formAction}
        pending={roll.pending}
      >
        {hidden}
        <p className="text-sm text-zinc-600">
          The key keeps its identity and settings and gets a new secret, shown once. The old secret
          can keep working for a while so you can deploy the new one.
        </p>
        <label htmlFor="roll-grace" className="block text-sm font-medium">
          Old secret keeps working for
        </label>
        <select
          id="roll-grace"
          name="grace"
          defaultValue="24h"
          className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm"
        >
          <option value="0">No time: stop it now</option>
          <option value="1h">1 hour</option>
          <option value="24h">24 hours</option>
          <option value="7d">7 days</option>
        </select>
      </ConfirmDialog>
      <RevokeKeyDialog
        tenant={tenant}
        keyId={keyId}
        keyName={keyName}
        open={dialog === "revoke"}
        onClose={close}
      />
      <SecretDialog
        title="New secret for this key"
        label="Secret key"
        doneLabel="I have copied it"
        plaintext={plaintext}
        onClose={() => setPlaintext(null)}
      />
    </>
  );
}
