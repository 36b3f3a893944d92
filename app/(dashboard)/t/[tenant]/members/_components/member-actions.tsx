"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useFormAction } from "@/components/ui/use-form-action";
import type { Role } from "@/lib/auth/roles";
import { changeRoleAction, removeMemberAction } from "@/lib/tenants/actions";

export function MemberActions({
  tenant,
  membershipId,
  email,
  role,
  isSelf,
}: {
  tenant: string;
  membershipId: string;
  email: string;
  role: Role;
  isSelf: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  const roleChange = useFormAction(changeRoleAction, { toastErrors: true });
  const removal = useFormAction(removeMemberAction, {
    toastErrors: true,
    onSettled: () => setConfirming(false),
  });

  return (
    <div className="flex flex-wrap items-center gap-2">
      <form action={roleChange.formAction} className="flex items-center gap-2">
        <input type="hidden" name="tenant" value={tenant} />
        <input type="hidden" name="membershipId" value={membershipId} />
        <label htmlFor={`role-${membershipId}`} className="sr-only">
          Role of {email}
        </label>
        <select
          id={`role-${membershipId}`}
          name="role"
          defaultValue={role}
          className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm"
        >
          <option value="OWNER">Owner</option>
          <option value="ADMIN">Admin</option>
          <option value="VIEWER">Viewer</option>
        </select>
        <Button type="submit" size="sm" variant="secondary" disabled={roleChange.pending}>
          Save role
        </Button>
      </form>
      <Button
        size="sm"
        variant="ghost"
        onClick={() => setConfirming(true)}
        aria-label={`Remove ${email}`}
      >
        {isSelf ? "Leave" : "Remove"}
      </Button>
      <ConfirmDialog
        open={confirming}
        title={isSelf ? "Leave this organization?" : `Remove ${email}?`}
        confirmLabel={isSelf ? "Leave" : "Remove member"}
        onCancel={() => setConfirming(false)}
        formAction={removal.formAction}
        pending={removal.pending}
      >
        <input type="hidden" name="tenant" value={tenant} />
        <input type="hidden" name="membershipId" value={membershipId} />
        <p className="text-sm text-zinc-600">
          {isSelf ? "You" : email} will lose access at the next page load. Keys they created keep
          working.
        </p>
      </ConfirmDialog>
    </div>
  );
}
