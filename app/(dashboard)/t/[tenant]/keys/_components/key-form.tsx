"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormMessage, SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { SecretDialog } from "@/components/ui/secret-dialog";
import { type ActionState, fieldErrorsOf, IDLE } from "@/lib/auth/action-state";
import { createKeyAction, updateKeyAction } from "@/lib/keys/actions";
import {
  KEY_PRESETS,
  type KeyFormValues,
  type KeyPresetId,
  presetValues,
} from "@/lib/keys/presets";

type Scope = { name: string; description: string; retired: boolean };
type Policy = {
  defaultExpiryDays: number | null;
  maxLifetimeDays: number | null;
  requireExpiry: boolean;
};

type Props =
  | {
      mode: "create";
      tenant: string;
      scopes: Scope[];
      policy: Policy;
      initial?: undefined;
      keyId?: undefined;
    }
  | {
      mode: "edit";
      tenant: string;
      scopes: Scope[];
      policy: Policy;
      initial: KeyFormValues & { hasExpiry: boolean; expiresAtText: string };
      keyId: string;
    };

function lines(list: string[] | undefined): string {
  return (list ?? []).join("\n");
}

/** Create and edit share one form: the same fields, the same zod schema on the server. */
export function KeyForm(props: Props) {
  const { mode, tenant, scopes, policy } = props;
  const router = useRouter();
  const [preset, setPreset] = useState<KeyPresetId>("default");
  const [state, setState] = useState<ActionState<{ plaintext: string; keyId: string }>>(IDLE);
  const [plaintext, setPlaintext] = useState<{ value: string; keyId: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const errors = fieldErrorsOf(state);
  const activeScopes = scopes.filter((s) => !s.retired).map((s) => s.name);
  const values: KeyFormValues =
    mode === "create" ? presetValues(preset, activeScopes) : props.initial;
  const [expiryMode, setExpiryMode] = useState<string>(
    mode === "edit"
      ? "keep"
      : values.expiresInDays
        ? "days"
        : policy.defaultExpiryDays
          ? "default"
          : policy.requireExpiry
            ? "days"
            : "never",
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(async () => {
      if (mode === "create") {
        const result = await createKeyAction(IDLE, form);
        setState(result);
        if (result.status === "success" && result.data)
          setPlaintext({ value: result.data.plaintext, keyId: result.data.keyId });
      } else {
        const result = await updateKeyAction(IDLE, form);
        setState(result);
        if (result.status === "success") {
          toast.success(result.message ?? "Key updated.");
          router.push(`/t/${tenant}/keys/${props.keyId}`);
          router.refresh();
        }
      }
    });
  }

  // Remounting on preset change resets every uncontrolled field to the preset's values.
  const formKey = mode === "create" ? preset : "edit";
  const visibleScopes = scopes.filter((s) => !s.retired || values.scopes?.includes(s.name));

  return (
    <>
      {mode === "create" ? (
        <fieldset className="mb-6">
          <legend className="mb-2 text-sm font-medium">Start from a preset</legend>
          <div className="grid gap-3 sm:grid-cols-3">
            {KEY_PRESETS.map((p) => (
              <label
                key={p.id}
                className={`cursor-pointer rounded-lg border p-3 text-sm ${preset === p.id ? "border-zinc-900 ring-1 ring-zinc-900" : "border-zinc-200"}`}
              >
                <input
                  type="radio"
                  name="preset"
                  value={p.id}
                  checked={preset === p.id}
                  onChange={() => {
                    setPreset(p.id);
                    setExpiryMode(
                      presetValues(p.id, activeScopes).expiresInDays
                        ? "days"
                        : policy.defaultExpiryDays
                          ? "default"
                          : "never",
                    );
                  }}
                  className="sr-only"
                />
                <span className="block font-medium">{p.label}</span>
                <span className="block text-xs text-zinc-600">{p.description}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
      <form key={formKey} onSubmit={onSubmit} noValidate className="space-y-6">
        <FormMessage state={state} />
        <input type="hidden" name="tenant" value={tenant} />
        {mode === "edit" ? <input type="hidden" name="keyId" value={props.keyId} /> : null}
        <Card className="space-y-4">
          <h2 className="text-base font-semibold">Identity</h2>
          <TextField
            id="name"
            label="Name"
            defaultValue={values.name ?? ""}
            errors={errors.name}
            required
            maxLength={100}
          />
          <TextAreaField
            id="description"
            label="Description"
            rows={2}
            defaultValue={values.description ?? ""}
            errors={errors.description}
          />
          <TextField
            id="tags"
            label="Tags"
            hint="Comma-separated, e.g. production, billing"
            defaultValue={(values.tags ?? []).join(", ")}
            errors={errors.tags}
          />
        </Card>

        <Card className="space-y-3">
          <fieldset aria-describedby={errors.scopes ? "scopes-error" : undefined}>
            <legend className="text-base font-semibold">Scopes</legend>
            <input type="hidden" name="scopes[]" value="" />
            {visibleScopes.length === 0 ? (
              <p className="mt-2 text-sm text-zinc-600">
                The scope catalog is empty. Owners add scopes in Settings.
              </p>
            ) : (
              <div className="mt-3 grid gap-2 sm:grid-cols-2">
                {visibleScopes.map((s) => (
                  <label key={s.name} className="flex items-start gap-2 text-sm">
                    <input
                      type="checkbox"
                      name="scopes[]"
                      value={s.name}
                      defaultChecked={values.scopes?.includes(s.name)}
                      className="mt-0.5 size-4"
                    />
                    <span>
                      <span className="font-mono">{s.name}</span>
                      {s.retired ? (
                        <span className="ml-1 text-xs text-amber-700">(retired)</span>
                      ) : null}
                      {s.description ? (
                        <span className="block text-xs text-zinc-500">{s.description}</span>
                      ) : null}
                    </span>
                  </label>
                ))}
              </div>
            )}
            {errors.scopes ? (
              <p id="scopes-error" className="mt-2 text-sm text-red-600">
                {errors.scopes.join(" ")}
              </p>
            ) : null}
          </fieldset>
        </Card>

        <Card className="space-y-4">
          <h2 className="text-base font-semibold">Expiry</h2>
          <SelectField
            id="expiryMode"
            label="When does the key expire?"
            value={expiryMode}
            onChange={(e) => setExpiryMode(e.target.value)}
          >
            {mode === "edit" ? (
              <option value="keep">
                Keep as it is ({props.initial.hasExpiry ? props.initial.expiresAtText : "never"})
              </option>
            ) : null}
            {mode === "create" && policy.defaultExpiryDays ? (
              <option value="default">
                Organization default ({policy.defaultExpiryDays} days)
              </option>
            ) : null}
            <option value="days">In a number of days</option>
            <option value="date">On a date</option>
            {!policy.requireExpiry ? (
              <option value={mode === "edit" ? "clear" : "never"}>Never</option>
            ) : null}
          </SelectField>
          {expiryMode === "days" ? (
            <TextField
              id="expiresInDays"
              label="Expires in (days)"
              type="number"
              min={1}
              defaultValue={values.expiresInDays ?? 30}
              errors={errors.expiresInDays}
            />
          ) : null}
          {expiryMode === "date" ? (
            <TextField
              id="expiresAt"
              label="Expires on"
              type="date"
              defaultValue={values.expiresAt ?? ""}
              errors={errors.expiresAt}
            />
          ) : null}
          {expiryMode === "clear" ? <input type="hidden" name="clearExpiry" value="on" /> : null}
          {errors.clearExpiry ? (
            <p className="text-sm text-red-600">{errors.clearExpiry.join(" ")}</p>
          ) : null}
          {errors.expiresAt && expiryMode !== "date" ? (
            <p className="text-sm text-red-600">{errors.expiresAt.join(" ")}</p>
          ) : null}
          {policy.maxLifetimeDays ? (
            <p className="text-xs text-zinc-500">
              Keys of this organization live at most {policy.maxLifetimeDays} days.
            </p>
          ) : null}
        </Card>

        <Card className="space-y-4">
          <h2 className="text-base font-semibold">Rate limits and budget</h2>
          <p className="text-sm text-zinc-600">
            Empty means no limit. A request counts against every window at once.
          </p>
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField
              id="rateLimitPerMinute"
              label="Requests per minute"
              type="number"
              min={1}
              defaultValue={values.rateLimitPerMinute ?? ""}
              errors={errors.rateLimitPerMinute}
            />
            <TextField
              id="rateLimitPerHour"
              label="Requests per hour"
              type="number"
              min={1}
              defaultValue={values.rateLimitPerHour ?? ""}
              errors={errors.rateLimitPerHour}
            />
            <TextField
              id="rateLimitPerDay"
              label="Requests per day"
              type="number"
              min={1}
              defaultValue={values.rateLimitPerDay ?? ""}
              errors={errors.rateLimitPerDay}
            />
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              id="budgetCents"
              label="Budget (cents)"
              type="number"
              min={0}
              hint="e.g. 5000 for $50.00"
              defaultValue={values.budgetCents ?? ""}
              errors={errors.budgetCents}
            />
            <SelectField
              id="budgetPeriod"
              label="Budget period"
              defaultValue={values.budgetPeriod ?? ""}
              errors={errors.budgetPeriod}
            >
              <option value="">No budget</option>
              <option value="TOTAL">Total (never resets)</option>
              <option value="MONTHLY">Monthly (resets on the 1st, UTC)</option>
            </SelectField>
          </div>
          {mode === "edit" ? (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="resetSpent" className="size-4" /> Reset the amount spent
              to $0
            </label>
          ) : null}
        </Card>

        <Card className="space-y-4">
          <h2 className="text-base font-semibold">Restrictions</h2>
          <TextAreaField
            id="ipAllowlist"
            label="Allowed IP ranges"
            rows={3}
            hint="One IPv4 or IPv6 CIDR per line, e.g. 10.0.0.0/8 or 2001:db8::/32. Empty allows any address."
            defaultValue={lines(values.ipAllowlist)}
            errors={errors.ipAllowlist}
          />
          <TextAreaField
            id="allowedEndpoints"
            label="Allowed endpoints"
            rows={3}
            hint="One path pattern per line, e.g. GET /v1/orders/* or /v1/reports/**."
            defaultValue={lines(values.allowedEndpoints)}
            errors={errors.allowedEndpoints}
          />
          <TextAreaField
            id="allowedResources"
            label="Allowed resources"
            rows={2}
            hint="One per line, e.g. model names; a trailing * matches a prefix."
            defaultValue={lines(values.allowedResources)}
            errors={errors.allowedResources}
          />
          <TextAreaField
            id="metadata"
            label="Metadata (JSON)"
            rows={3}
            hint='An object, at most 4 KB, e.g. {"customer": "acme"}. Returned by verification.'
            defaultValue={values.metadata ?? ""}
            errors={errors.metadata}
          />
        </Card>

        <div className="flex gap-3">
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : mode === "create" ? "Create key" : "Save changes"}
          </Button>
          <Button variant="secondary" onClick={() => router.back()}>
            Cancel
          </Button>
        </div>
      </form>
      <SecretDialog
        title="Your new API key"
        label="Secret key"
        doneLabel="I have copied it"
        plaintext={plaintext?.value ?? null}
        onClose={() => {
          const keyId = plaintext?.keyId;
          setPlaintext(null);
          if (keyId) router.push(`/t/${tenant}/keys/${keyId}`);
        }}
      />
    </>
  );
}
