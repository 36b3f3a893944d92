"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { useFormAction } from "@/components/ui/use-form-action";
import { updateScopeDescriptionAction } from "@/lib/tenants/settings-actions";

/** The description cell: text, or a one-line editor after "Edit". */
export function ScopeDescription({
  tenant,
  scopeId,
  name,
  description,
}: {
  tenant: string;
  scopeId: string;
  name: string;
  description: string;
}) {
  const [isEditing, setIsEditing] = useState(false);
  const { state, formAction, onSubmit, pending, errors } = useFormAction(
    updateScopeDescriptionAction,
    { onSuccess: () => setIsEditing(false) },
  );
  const inputId = `scope-description-${scopeId}`;
  // A failure that names no field (the scope was removed meanwhile) is shown here too:
  // the cell is the only place this editor has.
  const error =
    errors.description ??
    errors.scopeId ??
    (state.status === "error" ? [state.message] : undefined);

  if (!isEditing) {
    return (
      <div className="flex items-start justify-between gap-2">
        <span className={cn("min-w-0 break-words", description ? "" : "text-zinc-400")}>
          {description || "No description"}
        </span>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => setIsEditing(true)}
          aria-label={`Edit description of ${name}`}
        >
          Edit
        </Button>
      </div>
    );
  }
  return (
    <form
      action={formAction}
      onSubmit={onSubmit}
      noValidate
      className="flex flex-wrap items-start gap-2"
      onKeyDown={(event) => {
        if (event.key === "Escape") setIsEditing(false);
      }}
    >
      <input type="hidden" name="tenant" value={tenant} />
      <input type="hidden" name="scopeId" value={scopeId} />
      <div className="min-w-0 flex-1">
        <label htmlFor={inputId} className="sr-only">
          Description of {name}
        </label>
        <input
          id={inputId}
          name="description"
          defaultValue={description}
          maxLength={200}
          // The editor opens because the person asked for it, so focus follows.
          // biome-ignore lint/a11y/noAutofocus: focus moves to the field the person opened
          autoFocus
          aria-invalid={Boolean(error)}
          aria-describedby={error ? `${inputId}-error` : undefined}
          className={cn(
            "block w-full rounded-md border bg-white px-2 py-1 text-sm focus:outline-2 focus:outline-zinc-900",
            error ? "border-red-500" : "border-zinc-300",
          )}
        />
        {error ? (
          <p id={`${inputId}-error`} className="mt-1 text-sm text-red-600">
            {error.join(" ")}
          </p>
        ) : null}
      </div>
      <Button type="submit" size="sm" disabled={pending} aria-disabled={pending}>
        {pending ? "Saving…" : "Save"}
      </Button>
      <Button size="sm" variant="ghost" onClick={() => setIsEditing(false)}>
        Cancel
      </Button>
    </form>
  );
}
