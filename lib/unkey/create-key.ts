import "server-only";
import { z } from "zod";
import type { TenantContext } from "@/lib/auth/context";
import { NotFoundError, ValidationError } from "@/lib/auth/errors";
import { clientIpFrom } from "@/lib/auth/request-info";
import { createKey, suspendKey } from "@/lib/keys/data";
import { createKeySchema } from "@/lib/keys/schemas";
import { safeJsonObject } from "@/lib/validation/json";
import { singleLineText } from "@/lib/validation/text";
import { authenticateV2 } from "./auth";
import { readV2Body } from "./body";
import { v2Error, v2Ok } from "./envelope";

// POST /v2/keys.createKey onto Keyplane's key model. What maps: name, meta (metadata),
// externalId (kept in metadata), permissions (scopes from the catalog), expires,
// credits (budget; a monthly refill makes it a MONTHLY budget), ratelimits of one
// minute, hour or day, enabled. What does not: the key's prefix and length are the
// tenant's (Keyplane's format), roles are ignored, and apiId is kept as a tag so keys
// created for different APIs can still be told apart.

const DURATIONS: Record<number, "rateLimitPerMinute" | "rateLimitPerHour" | "rateLimitPerDay"> = {
  60000: "rateLimitPerMinute",
  3600000: "rateLimitPerHour",
  86400000: "rateLimitPerDay",
};

// Every string is checked as text (lib/validation/text.ts) here, so that a 400 names the
// field as the caller sent it (`body.externalId`, `body.meta`) rather than the Keyplane
// field it would have become.
export const createKeyV2Schema = z.object({
  apiId: singleLineText().min(1).max(64),
  prefix: z
    .string()
    .max(16)
    .regex(/^[A-Za-z0-9_]*$/)
    .optional(),
  name: singleLineText().max(100).optional(),
  byteLength: z.number().int().min(16).max(255).optional(),
  externalId: singleLineText().max(256).optional(),
  meta: safeJsonObject("meta").optional(),
  roles: z.array(singleLineText().max(256)).max(100).optional(),
  permissions: z.array(singleLineText().max(256)).max(100).optional(),
  expires: z.number().int().optional(),
  credits: z
    .object({
      remaining: z.number().int().min(0),
      refill: z
        .object({
          interval: z.enum(["daily", "monthly"]),
          amount: z.number().int().min(0),
          refillDay: z.number().int().optional(),
        })
        .optional(),
    })
    .optional(),
  ratelimits: z
    .array(
      z.object({
        name: singleLineText().min(1).max(64),
        limit: z.number().int().min(1),
        duration: z.number().int().min(1000),
        autoApply: z.boolean().optional(),
      }),
    )
    .max(3)
    .optional(),
  enabled: z.boolean().optional(),
  recoverable: z.boolean().optional(),
});

type V2CreateInput = z.output<typeof createKeyV2Schema>;

/** The Keyplane create-key input, or the contract's 400 with the wrong locations. */
function toKeyplaneInput(
  input: V2CreateInput,
): { ok: true; value: Record<string, unknown> } | { ok: false; location: string; message: string } {
  const value: Record<string, unknown> = {
    name: input.name ?? input.externalId ?? `key for ${input.apiId}`,
    tags: [`api:${input.apiId.toLowerCase().replace(/[^a-z0-9_.:-]/g, "-")}`.slice(0, 40)],
    scopes: input.permissions ?? [],
  };
  const metadata = {
    ...(input.meta ?? {}),
    ...(input.externalId ? { externalId: input.externalId } : {}),
  };
  if (Object.keys(metadata).length > 0) value.metadata = metadata;
  if (input.expires !== undefined) value.expiresAt = new Date(input.expires);
  if (input.credits) {
    if (input.credits.refill?.interval === "daily") {
      return {
        ok: false,
        location: "body.credits.refill.interval",
        message: "Keyplane budgets are total or monthly; daily refills are not supported.",
      };
    }
    const monthly = input.credits.refill?.interval === "monthly";
    value.budgetCents = monthly
      ? (input.credits.refill?.amount ?? input.credits.remaining)
      : input.credits.remaining;
    value.budgetPeriod = monthly ? "MONTHLY" : "TOTAL";
  }
  for (const [index, limit] of (input.ratelimits ?? []).entries()) {
    const field = DURATIONS[limit.duration];
    if (!field) {
      return {
        ok: false,
        location: `body.ratelimits.${index}.duration`,
        message: "Use a duration of one minute, hour or day (60000, 3600000 or 86400000).",
      };
    }
    value[field] = limit.limit;
  }
  return { ok: true, value };
}

/**
 * The v2 field a Keyplane field came from, so an error names what the caller sent:
 * `permissions` became `scopes`, `meta` and `externalId` became `metadata`, `expires`
 * became `expiresAt`, `credits` the budget, `ratelimits` the rate limits and `apiId` a tag.
 */
function v2Path(path: string[]): string[] {
  const [field, ...rest] = path;
  const renamed: Record<string, string> = {
    scopes: "permissions",
    metadata: "meta",
    expiresAt: "expires",
    budgetCents: "credits",
    budgetPeriod: "credits",
    rateLimitPerMinute: "ratelimits",
    rateLimitPerHour: "ratelimits",
    rateLimitPerDay: "ratelimits",
    tags: "apiId",
  };
  return field !== undefined && renamed[field] ? [renamed[field], ...rest] : path;
}

export async function handleCreateKeyV2(request: Request, requestId: string): Promise<Response> {
  const authenticated = await authenticateV2(request, requestId, "keys:write");
  if (!authenticated.ok) return authenticated.response;
  const { auth } = authenticated;
  const body = await readV2Body(request, requestId, createKeyV2Schema);
  if (!body.ok) return body.response;
  const mapped = toKeyplaneInput(body.data);
  if (!mapped.ok)
    return v2Error(request, requestId, 400, mapped.message, [
      { location: mapped.location, message: mapped.message },
    ]);
  const parsed = createKeySchema.safeParse(mapped.value);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      location: ["body", ...v2Path(issue.path.map(String))].join("."),
      message: issue.message,
    }));
    return v2Error(
      request,
      requestId,
      400,
      errors.map((e) => `${e.location}: ${e.message}`).join("; "),
      errors,
    );
  }
  const ctx: TenantContext = {
    tenantId: auth.tenantId,
    tenantSlug: "",
    tenantName: "",
    role: "ADMIN",
    actor: {
      type: "ROOT_KEY",
      id: auth.rootKeyId,
      label: auth.name,
      ip: clientIpFrom(request.headers),
      userAgent: request.headers.get("user-agent"),
    },
  };
  try {
    const { key, plaintext } = await createKey(ctx, parsed.data);
    if (body.data.enabled === false) await suspendKey(ctx, key.id);
    return v2Ok(requestId, { keyId: key.id, key: plaintext });
  } catch (error) {
    if (error instanceof ValidationError) {
      const location =
        `body.${error.field === "scopes" ? "permissions" : (error.field ?? "")}`.replace(/\.$/, "");
      return v2Error(request, requestId, 400, error.message, [
        { location, message: error.message },
      ]);
    }
    if (error instanceof NotFoundError) return v2Error(request, requestId, 404, error.message);
    // Anything else (the database unreachable: 503, or a bug: 500) is answered by the
    // route through v2UnexpectedError, with the failures of authentication.
    throw error;
  }
}
