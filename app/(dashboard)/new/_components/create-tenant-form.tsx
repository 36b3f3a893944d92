"use client";

import { useActionState } from "react";
import { FormMessage, TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { fieldErrorsOf, IDLE } from "@/lib/auth/action-state";
import { createTenantAction } from "@/lib/tenants/actions";

export function CreateTenantForm() {
  const [state, formAction] = useActionState(createTenantAction, IDLE);
  const errors = fieldErrorsOf(state);
  return (
    <form action={formAction} className="space-y-4">
      <FormMessage state={state} />
      <TextField
        id="organization"
        label="Organization name"
        errors={errors.organization}
        required
      />
      <SubmitButton pendingLabel="Creating…">Create organization</SubmitButton>
    </form>
  );
}
