/**
 * Scope names and matching.
 *
 * Catalog names are lower-case segments joined by `:` (`orders:read`,
 * `orders:items:read`, `billing.invoices:write`); each segment is
 * `[a-z0-9_.-]+`. Lower case only, so `Orders:Read` and `orders:read` can never
 * be two different scopes that look the same in the UI. Matching is exact and
 * case-sensitive: no case folding happens on the hot path.
 *
 * A key may also be granted a wildcard: `*` (everything) or a name ending in
 * `:*` (`orders:*` = every scope that starts with `orders:`, at any depth, but
 * not `orders` itself). `*` anywhere else is an ordinary character that only
 * matches itself, so `orders*` never acts as a wildcard.
 */

export const SCOPE_MAX_LENGTH = 128;
export const SCOPE_NAME_PATTERN = /^[a-z0-9_.-]+(?::[a-z0-9_.-]+)*$/;
export const SCOPE_GRANT_PATTERN = /^(?:\*|[a-z0-9_.-]+(?::[a-z0-9_.-]+)*(?::\*)?)$/;

export function isValidScopeName(name: string): boolean {
  return name.length <= SCOPE_MAX_LENGTH && SCOPE_NAME_PATTERN.test(name);
}

/** What a key may hold: a catalog name or a wildcard grant. */
export function isValidScopeGrant(grant: string): boolean {
  return grant.length <= SCOPE_MAX_LENGTH && SCOPE_GRANT_PATTERN.test(grant);
}

export function scopeMatches(granted: string, required: string): boolean {
  if (granted === required || granted === "*") return true;
  if (!granted.endsWith(":*")) return false;
  const namespace = granted.slice(0, -1); // keeps the trailing ":"
  return required.length > namespace.length && required.startsWith(namespace);
}

/**
 * Precompiles a key's granted scopes (once per cached key record): exact names
 * go into a Set, wildcard namespaces into a short list.
 */
export function compileScopes(granted: readonly string[]): (required: string) => boolean {
  const exact = new Set<string>();
  const namespaces: string[] = [];
  let all = false;
  for (const scope of granted) {
    if (scope === "*") all = true;
    else if (scope.endsWith(":*")) namespaces.push(scope.slice(0, -1));
    exact.add(scope);
  }
  if (all) return () => true;
  return (required) =>
    exact.has(required) ||
    namespaces.some((ns) => required.length > ns.length && required.startsWith(ns));
}

export function hasScopes(
  granted: readonly string[],
  required: readonly string[],
): { ok: boolean; missing: string[] } {
  const matches = compileScopes(granted);
  const missing: string[] = [];
  for (const scope of required) {
    if (!matches(scope) && !missing.includes(scope)) missing.push(scope);
  }
  return { ok: missing.length === 0, missing };
}

/**
 * Unkey-style permission queries: `a AND (b OR c)`. AND binds tighter than OR.
 * Keywords are upper-case only, as in Unkey; `a and b` is a syntax error that
 * says so rather than a query that silently means something else.
 *
 *   expr   := term ("OR" term)*
 *   term   := factor ("AND" factor)*
 *   factor := NAME | "(" expr ")"
 */
export type PermissionQuery =
  | { kind: "name"; name: string }
  | { kind: "and" | "or"; left: PermissionQuery; right: PermissionQuery };

/** Bounds keep a hostile query from costing much CPU or blowing the stack. */
export const PERMISSION_QUERY_MAX_LENGTH = 1000;
const MAX_DEPTH = 32;
const TOKEN = /\s*(?:(\()|(\))|([A-Za-z0-9_.:*-]+)|(\S))/y;

type Token = { type: "(" | ")" | "AND" | "OR" | "name"; text: string; at: number };

function tokenize(query: string): Token[] | { error: string } {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < query.length) {
    const m = TOKEN.exec(query);
    if (!m) break; // only trailing whitespace is left
    const at = m.index + (m[0].length - m[0].trimStart().length);
    if (m[1]) tokens.push({ type: "(", text: "(", at });
    else if (m[2]) tokens.push({ type: ")", text: ")", at });
    else if (m[3] === "AND" || m[3] === "OR") tokens.push({ type: m[3], text: m[3], at });
    else if (m[3]) tokens.push({ type: "name", text: m[3], at });
    else return { error: `Unexpected character "${m[4]}" at position ${at + 1}` };
  }
  return tokens;
}

export function parsePermissionQuery(
  query: string,
): { ok: true; value: PermissionQuery } | { ok: false; error: string } {
  if (query.length > PERMISSION_QUERY_MAX_LENGTH) {
    return { ok: false, error: `Query is longer than ${PERMISSION_QUERY_MAX_LENGTH} characters` };
  }
  const tokens = tokenize(query);
  if ("error" in tokens) return { ok: false, error: tokens.error };
  if (tokens.length === 0) return { ok: false, error: "Query is empty" };
  let pos = 0;
  const describeToken = (t: Token | undefined) =>
    t ? `"${t.text}" at position ${t.at + 1}` : "end of query";

  // Each parser returns a node or throws a SyntaxError that is caught below.
  const parseExpr = (depth: number, op: "OR" | "AND"): PermissionQuery => {
    let left = op === "OR" ? parseExpr(depth, "AND") : parseFactor(depth);
    while (tokens[pos]?.type === op) {
      pos++;
      const right = op === "OR" ? parseExpr(depth, "AND") : parseFactor(depth);
      left = { kind: op === "OR" ? "or" : "and", left, right };
    }
    return left;
  };
  const parseFactor = (depth: number): PermissionQuery => {
    const token = tokens[pos];
    if (token?.type === "name") {
      pos++;
      const next = tokens[pos];
      if (next?.type === "name" || next?.type === "(") {
        const hint = /^(?:and|or)$/i.test(next.text) ? " (keywords are upper-case)" : "";
        throw new SyntaxError(`Expected AND or OR before ${describeToken(next)}${hint}`);
      }
      return { kind: "name", name: token.text };
    }
    if (token?.type === "(") {
      if (depth >= MAX_DEPTH) throw new SyntaxError(`Parentheses nest deeper than ${MAX_DEPTH}`);
      pos++;
      const inner = parseExpr(depth + 1, "OR");
      if (tokens[pos]?.type !== ")")
        throw new SyntaxError(`Expected ")" but found ${describeToken(tokens[pos])}`);
      pos++;
      return inner;
    }
    throw new SyntaxError(`Expected a permission name or "(" but found ${describeToken(token)}`);
  };

  try {
    const value = parseExpr(0, "OR");
    if (pos < tokens.length) throw new SyntaxError(`Unexpected ${describeToken(tokens[pos])}`);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

export function evaluateParsedQuery(
  node: PermissionQuery,
  matches: (name: string) => boolean,
): boolean {
  if (node.kind === "name") return matches(node.name);
  if (node.kind === "and")
    return evaluateParsedQuery(node.left, matches) && evaluateParsedQuery(node.right, matches);
  return evaluateParsedQuery(node.left, matches) || evaluateParsedQuery(node.right, matches);
}

/** Parses and evaluates in one go; granted wildcards apply to every name. */
export function evaluatePermissionQuery(
  query: string,
  granted: readonly string[],
): boolean | { error: string } {
  const parsed = parsePermissionQuery(query);
  if (!parsed.ok) return { error: parsed.error };
  return evaluateParsedQuery(parsed.value, compileScopes(granted));
}
