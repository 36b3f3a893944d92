"use client";

import { useActionState, useEffect, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField, TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { type ActionState, fieldErrorsOf, IDLE, withFormSizeError } from "@/lib/auth/action-state";
import { inviteMemberAction } from "@/lib/tenants/actions";

// A form too large to send shows its error here instead of replacing the page.
const inviteMember = withFormSizeError(inviteMemberAction);

export function InviteForm({ tenant }: { tenant: string }) {
  const [state, formAction] = useActionState<
    ActionState<{ path: string; expiresAt: string }>,
    FormData
  >(inviteMember, IDLE);
  const [link, setLink] = useState<string | null>(null);
  const errors = fieldErrorsOf(state);

  useEffect(() => {
    if (state.status === "success" && state.data)
      setLink(`${window.location.origin}${state.data.path}`);
  }, [state]);

  return (
    <form action={formAction} className="space-y-4">
      <FormMessage state={state} />
      <input type="hidden" name="tenant" value={tenant} />
      <TextField
        id="email"
        label="Email (optional)"
        type="email"
        hint="When set, only this address can accept."
        errors={errors.email}
      />
      <SelectField id="role" label="Role" defaultValue="VIEWER" errors={errors.role}>
        <option value="VIEWER">Viewer — reads keys, usage and audit</option>
        <option value="ADMIN">Admin — also manages keys</option>
        <option value="OWNER">Owner — also members, settings and root keys</option>
      </SelectField>
      <TextField
        id="expiresInDays"
        label="Link expires in (days)"
        type="number"
        min={1}
        max={30}
        defaultValue={7}
        errors={errors.expiresInDays}
      />
      <SubmitButton pendingLabel="Creating link…">Create invitation link</SubmitButton>
      {link ? (
        <div className="space-y-2 rounded-md border border-green-200 bg-green-50 p-3">
          <label htmlFor="invitation-link" className="block text-sm font-medium text-green-900">
            Invitation link (single use)
          </label>
          <input
            id="invitation-link"
            readOnly
            value={link}
            className="block w-full rounded-md border border-green-300 bg-white px-2 py-1 font-mono text-xs"
            onFocus={(e) => e.currentTarget.select()}
          />
          <Button
            size="sm"
            variant="secondary"
            onClick={async () => {
              await navigator.clipboard.writeText(link).catch(() => {});
              toast.success("Link copied");
            }}
          >
            Copy link
          </Button>
        </div>
      ) : null}
    </form>
  );
}
