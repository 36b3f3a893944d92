"use client";

import {
  type FormEvent,
  startTransition,
  useActionState,
  useEffect,
  useEffectEvent,
  useMemo,
} from "react";
import { toast } from "sonner";
import { type ActionState, fieldErrorsOf, IDLE, withFormSizeError } from "@/lib/auth/action-state";

type Action<T, P> = (previous: ActionState<T>, payload: P) => Promise<ActionState<T>>;

/**
 * useActionState for the settings forms, with what each of them needs:
 *
 * - `onSubmit` dispatches the action itself instead of letting React submit the form,
 *   because React resets a form after its action runs, and a person who just got
 *   "Use 1–16 letters…" next to the field should still see what they typed. `formAction`
 *   stays on the form, so it also works before the page has hydrated.
 * - a form too large to send is an error message on the form, not a crashed page;
 * - success toasts (and, for row buttons that have no room for a message, error toasts);
 * - `onSuccess` / `onSettled`, called once per result, to reset a form or close an editor.
 */
export function useFormAction<T, P = FormData>(
  action: Action<T, P>,
  options: {
    toastErrors?: boolean;
    onSuccess?: (state: ActionState<T>) => void;
    /** After any answer, success or error (e.g. to close a confirm dialog). */
    onSettled?: () => void;
  } = {},
) {
  const [state, formAction, pending] = useActionState<ActionState<T>, P>(
    useMemo(() => withFormSizeError(action), [action]),
    IDLE,
  );
  // An effect event reads the latest options without making them a dependency: the
  // effect below must fire once per result, not once per render.
  const onResult = useEffectEvent((result: ActionState<T>) => {
    if (result.status === "success") {
      if (result.message) toast.success(result.message);
      options.onSuccess?.(result);
    }
    if (result.status === "error" && options.toastErrors) toast.error(result.message);
    if (result.status !== "idle") options.onSettled?.();
  });
  useEffect(() => onResult(state), [state]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget) as P;
    startTransition(() => formAction(data));
  }

  return { state, formAction, onSubmit, pending, errors: fieldErrorsOf(state) };
}
