"use client";

import { useActionState } from "react";
import { FormMessage, TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { fieldErrorsOf, IDLE, withFormSizeError } from "@/lib/auth/action-state";
import { createTenantAction } from "@/lib/tenants/actions";

// A form too large to send shows its error here instead of replacing the page.
const createTenant = withFormSizeError(createTenantAction);

export function CreateTenantForm() {
  const [state, formAction] = useActionState(createTenant, IDLE);
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
