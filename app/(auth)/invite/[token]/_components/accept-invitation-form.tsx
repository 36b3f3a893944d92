"use client";

import { useActionState } from "react";
import { FormMessage } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { IDLE, withFormSizeError } from "@/lib/auth/action-state";
import { acceptInvitationAction } from "@/lib/tenants/actions";

// A form too large to send shows its error here instead of replacing the page.
const acceptInvitation = withFormSizeError(acceptInvitationAction);

export function AcceptInvitationForm({ token, email }: { token: string; email: string }) {
  const [state, formAction] = useActionState(acceptInvitation, IDLE);
  return (
    <form action={formAction} className="space-y-4">
      <FormMessage state={state} />
      <input type="hidden" name="token" value={token} />
      <p className="text-sm text-zinc-600">Signed in as {email}.</p>
      <SubmitButton className="w-full" pendingLabel="Joining…">
        Accept invitation
      </SubmitButton>
    </form>
  );
}
