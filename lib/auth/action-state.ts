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
