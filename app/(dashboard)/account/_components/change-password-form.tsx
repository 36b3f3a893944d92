"use client";

import { useRef } from "react";
import { FormMessage, TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { useFormAction } from "@/components/ui/use-form-action";
import { changePasswordAction } from "@/lib/account/actions";

export function ChangePasswordForm() {
  const formRef = useRef<HTMLFormElement>(null);
  const { state, formAction, onSubmit, errors } = useFormAction(changePasswordAction, {
    // Passwords are not left in the fields once they have been changed.
    onSuccess: () => formRef.current?.reset(),
  });
  return (
    <form
      ref={formRef}
      action={formAction}
      onSubmit={onSubmit}
      noValidate
      className="max-w-sm space-y-4"
    >
      <FormMessage state={state} />
      {state.status === "success" && state.message ? (
        <p
          role="status"
          className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800"
        >
          {state.message}
        </p>
      ) : null}
      <TextField
        id="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        errors={errors.currentPassword}
        required
      />
      <TextField
        id="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        errors={errors.newPassword}
        required
      />
      <TextField
        id="confirmPassword"
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        errors={errors.confirmPassword}
        required
      />
      <SubmitButton pendingLabel="Changing…">Change password</SubmitButton>
    </form>
  );
}
