"use client";

import { useFormAction } from "@/components/ui/use-form-action";
import { revokeInvitationAction } from "@/lib/tenants/actions";

export function RevokeInvitationButton({
  tenant,
  invitationId,
}: {
  tenant: string;
  invitationId: string;
}) {
  // Success and failure are both toasted: the row has no room for a message.
  const { formAction, pending } = useFormAction(revokeInvitationAction, { toastErrors: true });
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
