"use client";

import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import { updateTenantSettingsAction } from "@/lib/tenants/settings-actions";
import { FormError } from "./form-error";

const FIELDS = ["defaultExpiryDays", "maxLifetimeDays", "requireExpiry"] as const;

export function ExpiryPolicyForm({
  tenant,
  defaultExpiryDays,
  maxLifetimeDays,
  requireExpiry,
}: {
  tenant: string;
  defaultExpiryDays: number | null;
  maxLifetimeDays: number | null;
  requireExpiry: boolean;
}) {
  const { state, formAction, onSubmit, pending, errors } = useFormAction(
    updateTenantSettingsAction,
  );
  const requireError = errors.requireExpiry;
  return (
    <form action={formAction} onSubmit={onSubmit} noValidate className="space-y-4">
      <input type="hidden" name="tenant" value={tenant} />
      <FormError state={state} fields={FIELDS} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id="defaultExpiryDays"
          label="Default expiry (days)"
          type="number"
          inputMode="numeric"
          min={1}
          defaultValue={defaultExpiryDays ?? ""}
          hint="Used when a key is created without an expiry. Empty: none."
          errors={errors.defaultExpiryDays}
        />
        <TextField
          id="maxLifetimeDays"
          label="Maximum lifetime (days)"
          type="number"
          inputMode="numeric"
          min={1}
          defaultValue={maxLifetimeDays ?? ""}
          hint="No key may expire later than this after it was created. Empty: no limit."
          errors={errors.maxLifetimeDays}
        />
      </div>
      <div className="space-y-1">
        {/* An unticked checkbox sends nothing; this hidden field makes "off" explicit,
            and the checkbox's "on", which comes later in the form, wins when ticked. */}
        <input type="hidden" name="requireExpiry" value="false" />
        <div className="flex items-start gap-2">
          <input
            id="requireExpiry"
            name="requireExpiry"
            type="checkbox"
            defaultChecked={requireExpiry}
            aria-invalid={Boolean(requireError?.length)}
            aria-describedby={requireError?.length ? "requireExpiry-error" : undefined}
            className="mt-0.5 size-4 rounded border-zinc-300"
          />
          <label htmlFor="requireExpiry" className="text-sm text-zinc-800">
            Require an expiry on every key
            <span className="block text-xs text-zinc-500">
              Every key gets an expiry date (the default counts), and no key's expiry can be
              cleared.
            </span>
          </label>
        </div>
        {requireError?.length ? (
          <p id="requireExpiry-error" className="text-sm text-red-600">
            {requireError.join(" ")}
          </p>
        ) : null}
      </div>
      <p className="text-xs text-zinc-500">
        Policies apply to keys created or changed from now on; existing expiry dates stay.
      </p>
      <Button type="submit" disabled={pending} aria-disabled={pending}>
        {pending ? "Saving…" : "Save policies"}
      </Button>
    </form>
  );
}
