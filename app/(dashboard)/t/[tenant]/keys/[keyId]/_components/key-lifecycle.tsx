"use client";

import { useActionState, useCallback, useEffect, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { SecretDialog } from "@/components/ui/secret-dialog";
import { IDLE } from "@/lib/auth/action-state";
import { reactivateKeyAction, rollKeyAction, suspendKeyAction } from "@/lib/keys/actions";
import type { KeyStatusLabel } from "@/lib/keys/dto";
import { RevokeKeyDialog } from "../../_components/revoke-key-dialog";

function useResultToast(state: { status: string; message?: string }) {
  useEffect(() => {
    if (state.status === "success" && state.message) toast.success(state.message);
    if (state.status === "error" && state.message) toast.error(state.message);
  }, [state]);
}

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
  const [suspendState, suspendAction, suspending] = useActionState(suspendKeyAction, IDLE);
  const [reactivateState, reactivateAction, reactivating] = useActionState(
    reactivateKeyAction,
    IDLE,
  );
  const [rollState, rollAction, rolling] = useActionState(rollKeyAction, IDLE);
  const [dialog, setDialog] = useState<"roll" | "revoke" | null>(null);
  const [plaintext, setPlaintext] = useState<string | null>(null);
  const close = useCallback(() => setDialog(null), []);
  useResultToast(suspendState);
  useResultToast(reactivateState);
  useEffect(() => {
    if (rollState.status === "success" && rollState.data) {
      setDialog(null);
      setPlaintext(rollState.data.plaintext);
    } else if (rollState.status === "error") {
      toast.error(rollState.message);
    }
  }, [rollState]);

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
        <form action={reactivateAction}>
          {hidden}
          <Button type="submit" variant="secondary" disabled={reactivating}>
            Reactivate
          </Button>
        </form>
      ) : (
        <form action={suspendAction}>
          {hidden}
          <Button type="submit" variant="secondary" disabled={suspending}>
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
        formAction={rollAction}
        pending={rolling}
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
