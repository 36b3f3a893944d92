"use client";

import { startTransition, useRef } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { SecretDialog } from "@/components/ui/secret-dialog";
import { useFormAction } from "@/components/ui/use-form-action";
import { type ActionState, IDLE } from "@/lib/auth/action-state";
import { createRootKeyAction } from "@/lib/rootkeys/actions";
import { ROOT_KEY_PERMISSION_LABELS, ROOT_KEY_PERMISSIONS } from "@/lib/rootkeys/schemas";
import { FormError } from "./form-error";

type CreateState = ActionState<{ plaintext: string; rootKeyId: string }>;

/**
 * The plaintext arrives in the action's state and lives nowhere else on the page. A
 * `null` payload resets that state, which is how closing the dialog forgets the key.
 */
async function createOrForget(previous: CreateState, payload: FormData | null) {
  if (payload === null) return IDLE;
  return createRootKeyAction(previous, payload);
}

export function CreateRootKeyForm({ tenant }: { tenant: string }) {
  const form = useRef<HTMLFormElement>(null);
  const { state, formAction, onSubmit, pending, errors } = useFormAction<
    { plaintext: string; rootKeyId: string },
    FormData | null
  >(createOrForget, { onSuccess: () => form.current?.reset() });
  const plaintext = state.status === "success" ? (state.data?.plaintext ?? null) : null;
  const permissionErrors = errors.permissions;

  return (
    <>
      <form
        ref={form}
        action={formAction}
        onSubmit={onSubmit}
        noValidate
        aria-label="Create a root key"
        className="space-y-4"
      >
        <input type="hidden" name="tenant" value={tenant} />
        <FormError state={state} fields={["name", "permissions"]} />
        <div className="grid gap-4 lg:grid-cols-[minmax(0,20rem)_1fr]">
          <TextField
            id="rootkey-name"
            name="name"
            label="Root key name"
            placeholder="billing-service production"
            autoComplete="off"
            maxLength={100}
            hint="Shown in the audit log as the actor of every change the key makes."
            errors={errors.name}
          />
          <fieldset
            aria-describedby={permissionErrors?.length ? "rootkey-permissions-error" : undefined}
            aria-invalid={Boolean(permissionErrors?.length)}
            className="space-y-2 min-w-0"
          >
            <legend className="text-sm font-medium text-zinc-800">Permissions</legend>
            <div className="grid gap-2 sm:grid-cols-2">
              {ROOT_KEY_PERMISSIONS.map((permission) => (
                <label key={permission} className="flex items-start gap-2 text-sm">
                  <input
                    type="checkbox"
                    name="permissions[]"
                    value={permission}
                    defaultChecked={permission === "keys:verify"}
                    className="mt-0.5 size-4 rounded border-zinc-300"
                  />
                  <span>
                    <code className="font-mono">{permission}</code>
                    <span className="block text-xs text-zinc-500">
                      {ROOT_KEY_PERMISSION_LABELS[permission]}
                    </span>
                  </span>
                </label>
              ))}
            </div>
            {permissionErrors?.length ? (
              <p id="rootkey-permissions-error" className="text-sm text-red-600">
                {permissionErrors.join(" ")}
              </p>
            ) : null}
          </fieldset>
        </div>
        <Button type="submit" disabled={pending} aria-disabled={pending}>
          {pending ? "Creating…" : "Create root key"}
        </Button>
      </form>
      <SecretDialog
        title="Copy your root key"
        label="Root key"
        doneLabel="I have stored it"
        plaintext={plaintext}
        onClose={() => startTransition(() => formAction(null))}
      />
    </>
  );
}
