import type { UsageEventInput } from "./types";

/**
 * Tests: a usage event as a cached verification records it (VALID, no cost, tokens,
 * endpoint, resource, IP or latency), with `fields` in place of those defaults.
 */
export function usageEvent(
  fields: Partial<UsageEventInput> & Pick<UsageEventInput, "tenantId" | "time">,
): UsageEventInput {
  return {
    keyId: null,
    kind: "VERIFY",
    outcome: "VALID",
    costCents: 0,
    tokens: 0,
    endpoint: null,
    resource: null,
    ip: null,
    latencyUs: null,
    requestId: null,
    rollupCostCents: 0,
    persisted: false,
    ...fields,
  };
}
