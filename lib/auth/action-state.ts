// Shared by server actions and the client forms that render their results.

export type FieldErrors = Record<string, string[] | undefined>;

export type ActionState<T = unknown> =
  | { status: "idle" }
  | { status: "success"; message?: string; data?: T }
  | { status: "error"; message: string; fieldErrors?: FieldErrors };

export const IDLE: ActionState<never> = { status: "idle" };

export function fieldErrorsOf(state: ActionState<unknown>): FieldErrors {
  return state.status === "error" ? (state.fieldErrors ?? {}) : {};
}

/**
 * How the server's 413 for an oversized form begins (scripts/lib/action-body-limit.mjs).
 * Next.js's client rejects the action's promise with that text as the error's message.
 */
export const FORM_TOO_LARGE_PREFIX = "This form is too large to send";

/**
 * Wraps a server action for useActionState so that a form too large to send becomes an
 * error the form shows, instead of an exception that replaces the page. Every other
 * failure (a redirect, a lost connection) is left to Next.js as before.
 */
export function withFormSizeError<T, P>(
  action: (previous: ActionState<T>, payload: P) => Promise<ActionState<T>>,
): (previous: ActionState<T>, payload: P) => Promise<ActionState<T>> {
  return async (previous, payload) => {
    try {
      return await action(previous, payload);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(FORM_TOO_LARGE_PREFIX))
        return { status: "error", message: error.message };
      throw error;
    }
  };
}
