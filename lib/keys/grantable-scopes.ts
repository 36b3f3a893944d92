import "server-only";
import { ValidationError } from "@/lib/auth/errors";
import { scopeMatches } from "@/lib/verify/scopes";
import type { DbClient } from "./detail";
import { quoteEntry } from "./schema-fields";

function isWildcard(grant: string): boolean {
  return grant === "*" || grant.endsWith(":*");
}

/**
 * Checks the scopes a key is about to be given against the tenant's catalog. Only newly
 * granted scopes are checked, so a key keeps a scope that was retired after it was
 * granted. A wildcard (`orders:*`, `*`) is accepted when it covers at least one active
 * scope, so every grant still refers to something in the catalog.
 */
export async function assertGrantableScopes(
  tx: DbClient,
  tenantId: string,
  requested: readonly string[],
  alreadyHeld: readonly string[] = [],
): Promise<void> {
  const added = requested.filter((scope) => !alreadyHeld.includes(scope));
  if (added.length === 0) return;
  const catalog = await tx.scopeDefinition.findMany({
    where: { tenantId },
    select: { name: true, retiredAt: true },
  });
  const active = catalog.filter((s) => s.retiredAt === null).map((s) => s.name);
  const retired = new Set(catalog.filter((s) => s.retiredAt !== null).map((s) => s.name));
  const unknown: string[] = [];
  const retiredRequested: string[] = [];
  for (const grant of added) {
    if (isWildcard(grant)) {
      if (!active.some((name) => scopeMatches(grant, name))) unknown.push(grant);
    } else if (retired.has(grant)) {
      retiredRequested.push(grant);
    } else if (!active.includes(grant)) {
      unknown.push(grant);
    }
  }
  if (unknown.length > 0) {
    const names = unknown.map(quoteEntry).join(", ");
    throw new ValidationError(
      unknown.length === 1
        ? `Unknown scope ${names}: add it to the scope catalog in Settings first.`
        : `Unknown scopes ${names}: add them to the scope catalog in Settings first.`,
      "scopes",
    );
  }
  if (retiredRequested.length > 0) {
    const names = retiredRequested.map(quoteEntry).join(", ");
    throw new ValidationError(
      `Retired scopes cannot be granted to keys: ${names}. Restore them in Settings first.`,
      "scopes",
    );
  }
}
