"use client";

import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import { updateTenantSettingsAction } from "@/lib/tenants/settings-actions";
import { FormError } from "./form-error";

export function KeyPrefixForm({ tenant, prefix }: { tenant: string; prefix: string }) {
  const { state, formAction, onSubmit, pending, errors } = useFormAction(
    updateTenantSettingsAction,
  );
  return (
    <form action={formAction} onSubmit={onSubmit} noValidate className="space-y-4">
      <input type="hidden" name="tenant" value={tenant} />
      <p className="text-sm text-zinc-700">
        New keys look like{" "}
        <code data-testid="current-key-prefix" className="rounded bg-zinc-100 px-1 font-mono">
          {prefix}
        </code>
        <code className="font-mono text-zinc-500">_4fGh…</code>. Root keys use{" "}
        <code className="font-mono">{prefix}_root</code> when it fits.
      </p>
      <FormError state={state} fields={["keyPrefix"]} />
      <TextField
        id="keyPrefix"
        label="Key prefix"
        defaultValue={prefix}
        autoComplete="off"
        spellCheck={false}
        hint="1–16 letters, digits or underscores, such as acme_live. Existing keys keep the prefix they were issued with."
        errors={errors.keyPrefix}
      />
      <Button type="submit" disabled={pending} aria-disabled={pending}>
        {pending ? "Saving…" : "Save prefix"}
      </Button>
    </form>
  );
}
