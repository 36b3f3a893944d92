import { FormMessage } from "@/components/ui/field";
import type { ActionState } from "@/lib/auth/action-state";

/**
 * The form-level message, unless a field of this form already shows it: a rule broken
 * by one field (such as "default expiry longer than the maximum") is reported at that
 * field, and saying it twice only adds noise.
 */
export function FormError({
  state,
  fields,
}: {
  state: ActionState<unknown>;
  fields: readonly string[];
}) {
  if (state.status !== "error") return null;
  const shownAtField = fields.some((field) => Boolean(state.fieldErrors?.[field]?.length));
  return shownAtField ? null : <FormMessage state={state} />;
}
