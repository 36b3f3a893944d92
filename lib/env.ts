import { z } from "zod";
import { parseTrustedProxies } from "@/lib/net/trusted-proxies";

// The environment, parsed once. Only lib/ reads process.env, and only through here.
const schema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v && !v.includes("embedded.invalid") ? v : undefined))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      message: "DATABASE_URL must start with postgresql:// or postgres://",
    }),
  KEYPLANE_DATA_DIR: z.string().trim().min(1).optional(),
  REDIS_URL: z.string().trim().min(1).optional(),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // Client addresses and sign-in limits (README, "Client addresses and trusted proxies"
  // and "Sign-in limits").
  /**
   * Addresses/CIDRs of the proxies in front of Keyplane, comma-separated; X-Forwarded-For
   * is believed only hop by hop from these (lib/net/client-address.ts). Unset: never.
   */
  KEYPLANE_TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const parsed = parseTrustedProxies(text);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: "custom", message: `not an address or CIDR list: ${parsed.error}` });
      return z.NEVER;
    }),
  /** Failed sign-ins allowed per client IP, and per account from one IP, in 15 minutes. */
  KEYPLANE_SIGNIN_IP_LIMIT: z.coerce.number().int().positive().default(50),
  KEYPLANE_SIGNIN_ACCOUNT_LIMIT: z.coerce.number().int().positive().default(10),
  /** The longest wait before a sign-in to an account under attack is checked, in ms. */
  KEYPLANE_SIGNIN_MAX_DELAY_MS: z.coerce.number().int().min(0).max(30_000).default(4_000),
  /** Days kept of raw usage events, and of the per-minute, per-hour and per-day rollups. */
  KEYPLANE_USAGE_EVENTS_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  KEYPLANE_USAGE_MINUTE_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  KEYPLANE_USAGE_HOUR_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  KEYPLANE_USAGE_DAY_DAYS: z.coerce.number().int().min(7).max(3650).default(400),
  /** Minutes between runs of the usage retention job (0 turns it off). */
  KEYPLANE_USAGE_RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),
  /**
   * Outages (README "Outages"): seconds a cached key or root key keeps answering while the
   * database cannot be reached, counted from the first failed call; 0 answers 503 at once.
   * Also the worst-case delay of a revocation this instance cannot hear about.
   */
  KEYPLANE_OUTAGE_STALE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
});

export type Env = z.infer<typeof schema>;

let parsed: Env | undefined;

export function env(): Env {
  if (!parsed) {
    const result = schema.safeParse(process.env);
    if (!result.success) {
      const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
      throw new Error(`Invalid environment:\n${lines.join("\n")}`);
    }
    parsed = result.data;
  }
  return parsed;
}

export function dataDir(): string {
  return env().KEYPLANE_DATA_DIR ?? `${process.cwd()}/.data`;
}
