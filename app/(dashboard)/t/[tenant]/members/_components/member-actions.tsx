"use client";

import { useActionState, useEffect, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { type ActionState, IDLE } from "@/lib/auth/action-state";
import type { Role } from "@/lib/generated/prisma/enums";
import { changeRoleAction, removeMemberAction } from "@/lib/tenants/actions";

function useToast(state: ActionState<unknown>) {
  useEffect(() => {
    if (state.status === "success" && state.message) toast.success(state.message);
    if (state.status === "error") toast.error(state.message);
  }, [state]);
}

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
  const [roleState, roleAction, rolePending] = useActionState(changeRoleAction, IDLE);
  const [removeState, removeAction, removePending] = useActionState(removeMemberAction, IDLE);
  const [confirming, setConfirming] = useState(false);
  useToast(roleState);
  useToast(removeState);
  useEffect(() => {
    if (removeState.status !== "idle") setConfirming(false);
  }, [removeState]);

  return (
    <div className="flex flex-wrap items-center gap-2">
      <form action={roleAction} className="flex items-center gap-2">
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
        <Button type="submit" size="sm" variant="secondary" disabled={rolePending}>
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
        formAction={removeAction}
        pending={removePending}
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
