import "server-only";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { isConnectionError } from "@/lib/db/errors";
import { RECORD_ID_PATTERN } from "@/lib/validation/text";
import type { ActionState, FieldErrors } from "./action-state";
import { assertCan, type TenantContext } from "./context";
import { ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from "./errors";
import type { Permission } from "./roles";
import { getSessionUser, loadTenantContext, type SessionUser } from "./session";

export type { ActionState, FieldErrors } from "./action-state";

export type ActionResult<T> = {
  message?: string;
  data?: T;
  /** Paths under /t/<tenant> to revalidate, e.g. "/members". */
  revalidate?: string[];
  redirectTo?: string;
};

type Payload = FormData | Record<string, unknown>;

/** FormData to a plain object; a field named `x[]` becomes an array under `x`. */
export function payloadToObject(payload: Payload): Record<string, unknown> {
  if (!(payload instanceof FormData)) return payload;
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of payload.entries()) {
    if (rawKey.startsWith("$ACTION")) continue;
    const text = typeof value === "string" ? value : value.name;
    if (rawKey.endsWith("[]")) {
      const key = rawKey.slice(0, -2);
      const list = Array.isArray(out[key]) ? (out[key] as unknown[]) : [];
      list.push(text);
      out[key] = list;
    } else {
      out[rawKey] = text;
    }
  }
  return out;
}

function errorState(error: unknown): ActionState<never> {
  if (error instanceof ValidationError) {
    return {
      status: "error",
      message: error.message,
      fieldErrors: error.field ? { [error.field]: [error.message] } : undefined,
    };
  }
  if (error instanceof NotFoundError) return { status: "error", message: error.message };
  if (error instanceof ForbiddenError) return { status: "error", message: error.message };
  if (error instanceof UnauthenticatedError) return { status: "error", message: error.message };
  if (isConnectionError(error)) {
    return {
      status: "error",
      message: "The database cannot be reached. Try again in a moment; nothing was changed.",
    };
  }
  console.error("[action] unexpected error:", error instanceof Error ? error.message : error);
  return { status: "error", message: "Something went wrong on our side. Nothing was changed." };
}

export function zodErrorState(error: z.ZodError): ActionState<never> {
  const { fieldErrors, formErrors } = z.flattenError(error);
  return {
    status: "error",
    message: formErrors[0] ?? "Check the highlighted fields.",
    fieldErrors: fieldErrors as FieldErrors,
  };
}

/**
 * Every tenant server action goes through here, in this order: authenticate, resolve
 * the tenant from the verified membership (the slug comes from the client, the
 * membership from the database), check the role, parse the input with zod, then call
 * the data-access layer. Server actions are public POST endpoints, so nothing here
 * trusts the page that rendered the form.
 */
export function tenantAction<S extends z.ZodType, T = undefined>(
  config: { permission: Permission; schema: S },
  handler: (ctx: TenantContext, input: z.output<S>) => Promise<ActionResult<T> | undefined>,
) {
  return async (_previous: ActionState<T>, payload: Payload): Promise<ActionState<T>> => {
    let result: ActionResult<T> | undefined;
    let ctx: TenantContext;
    try {
      const raw = payloadToObject(payload);
      const slug = typeof raw.tenant === "string" ? raw.tenant : "";
      // A slug has a record id's shape; anything else names no tenant and must not
      // reach the database (a NUL there is an error, not a miss).
      if (!RECORD_ID_PATTERN.test(slug)) {
        const message = "Choose an organization.";
        return { status: "error", message, fieldErrors: { tenant: [message] } };
      }
      ctx = await loadTenantContext(slug);
      assertCan(ctx, config.permission);
      const parsed = config.schema.safeParse(raw);
      if (!parsed.success) return zodErrorState(parsed.error);
      result = await handler(ctx, parsed.data);
    } catch (error) {
      return errorState(error);
    }
    for (const path of result?.revalidate ?? []) revalidatePath(`/t/${ctx.tenantSlug}${path}`);
    if (result?.redirectTo) redirect(result.redirectTo);
    return { status: "success", message: result?.message, data: result?.data };
  };
}

/** Actions that need no tenant (sign-up, accepting an invitation). */
export function publicAction<S extends z.ZodType, T = undefined>(
  schema: S,
  handler: (input: z.output<S>) => Promise<ActionResult<T> | undefined>,
) {
  return async (_previous: ActionState<T>, payload: Payload): Promise<ActionState<T>> => {
    let result: ActionResult<T> | undefined;
    try {
      const parsed = schema.safeParse(payloadToObject(payload));
      if (!parsed.success) return zodErrorState(parsed.error);
      result = await handler(parsed.data);
    } catch (error) {
      return errorState(error);
    }
    if (result?.redirectTo) redirect(result.redirectTo);
    return { status: "success", message: result?.message, data: result?.data };
  };
}

/** Actions for a signed-in user outside any tenant (create a tenant, accept an invitation). */
export function userAction<S extends z.ZodType, T = undefined>(
  schema: S,
  handler: (user: SessionUser, input: z.output<S>) => Promise<ActionResult<T> | undefined>,
) {
  return async (_previous: ActionState<T>, payload: Payload): Promise<ActionState<T>> => {
    let result: ActionResult<T> | undefined;
    try {
      const user = await getSessionUser();
      if (!user) throw new UnauthenticatedError();
      const parsed = schema.safeParse(payloadToObject(payload));
      if (!parsed.success) return zodErrorState(parsed.error);
      result = await handler(user, parsed.data);
    } catch (error) {
      return errorState(error);
    }
    if (result?.redirectTo) redirect(result.redirectTo);
    return { status: "success", message: result?.message, data: result?.data };
  };
}
