"use client";

import { useRef } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { useFormAction } from "@/components/ui/use-form-action";
import { addScopeAction } from "@/lib/tenants/settings-actions";
import { FormError } from "./form-error";

export function AddScopeForm({ tenant }: { tenant: string }) {
  const form = useRef<HTMLFormElement>(null);
  const { state, formAction, onSubmit, pending, errors } = useFormAction(addScopeAction, {
    onSuccess: () => {
      form.current?.reset();
      form.current?.querySelector<HTMLInputElement>("#scope-name")?.focus();
    },
  });
  return (
    <form
      ref={form}
      action={formAction}
      onSubmit={onSubmit}
      noValidate
      aria-label="Add a scope"
      className="space-y-3"
    >
      <input type="hidden" name="tenant" value={tenant} />
      <FormError state={state} fields={["name", "description"]} />
      <div className="grid gap-3 sm:grid-cols-[minmax(0,14rem)_1fr_auto] sm:items-start">
        <TextField
          id="scope-name"
          name="name"
          label="Scope name"
          placeholder="orders:read"
          autoComplete="off"
          spellCheck={false}
          hint="Lower-case words joined by colons."
          errors={errors.name}
        />
        <TextField
          id="scope-description"
          name="description"
          label="Description (optional)"
          placeholder="Read orders and their line items"
          maxLength={200}
          errors={errors.description}
        />
        <Button type="submit" disabled={pending} aria-disabled={pending} className="sm:mt-6">
          {pending ? "Adding…" : "Add scope"}
        </Button>
      </div>
    </form>
  );
}
