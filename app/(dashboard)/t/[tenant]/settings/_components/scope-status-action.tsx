"use client";

import { Button } from "@/components/ui/button";
import { useFormAction } from "@/components/ui/use-form-action";
import { restoreScopeAction, retireScopeAction } from "@/lib/tenants/settings-actions";

/**
 * Retire or restore. Both actions live in one component that stays mounted when the
 * scope flips, so the result's toast still shows after the row re-renders.
 */
export function ScopeStatusAction({
  tenant,
  scopeId,
  name,
  isRetired,
}: {
  tenant: string;
  scopeId: string;
  name: string;
  isRetired: boolean;
}) {
  const retire = useFormAction(retireScopeAction, { toastErrors: true });
  const restore = useFormAction(restoreScopeAction, { toastErrors: true });
  const current = isRetired ? restore : retire;
  const verb = isRetired ? "Restore" : "Retire";
  return (
    <form action={current.formAction} onSubmit={current.onSubmit}>
      <input type="hidden" name="tenant" value={tenant} />
      <input type="hidden" name="scopeId" value={scopeId} />
      <Button
        type="submit"
        size="sm"
        variant="secondary"
        disabled={current.pending}
        aria-disabled={current.pending}
        aria-label={`${verb} ${name}`}
        title={
          isRetired
            ? "Allow this scope on new keys again"
            : "Stop offering this scope to new keys; keys that hold it keep it"
        }
      >
        {current.pending ? `${verb === "Retire" ? "Retiring" : "Restoring"}…` : verb}
      </Button>
    </form>
  );
}
