"use client";

import { useActionState } from "react";
import { IDLE } from "@/lib/auth/action-state";
import { revokeInvitationAction } from "@/lib/tenants/actions";

export function RevokeInvitationButton({
  tenant,
  invitationId,
}: {
  tenant: string;
  invitationId: string;
}) {
  const [, formAction, pending] = useActionState(revokeInvitationAction, IDLE);
  return (
    <form action={formAction}>
      <input type="hidden" name="tenant" value={tenant} />
      <input type="hidden" name="invitationId" value={invitationId} />
      <button type="submit" disabled={pending} className="text-xs text-red-600 underline">
        Withdraw
      </button>
    </form>
  );
}
