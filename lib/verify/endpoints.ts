/**
 * Allowed endpoints and resources for a key.
 *
 * Pattern syntax: `[METHOD ]/path`, where a path segment is literal text, `*`
 * (exactly one non-empty segment) or, as the last segment only, `**` (one or
 * more segments). `/v1/orders/**` therefore does not match `/v1/orders`; list
 * both when both are meant. Paths are case-sensitive, methods are not, and a
 * trailing slash is ignored on both sides.
 *
 * The endpoint comes from the calling service, which usually copies it from the
 * end user's request, so it is treated as hostile: dot segments, empty segments,
 * backslashes and percent-encoded `/`, `\` or dots that decode to `.`/`..` make
 * it match nothing. Otherwise `/v1/orders/../admin` would pass `/v1/orders/**`
 * and then be routed to `/v1/admin` by the service. Comparison is on the raw
 * (still encoded) segments; an encoding the pattern does not use can only deny.
 */

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export const ENDPOINT_PATTERN_MAX_LENGTH = 256;
const ENDPOINT_MAX_LENGTH = 2048;
const METHOD_PREFIX = /^([A-Za-z]+) +(.*)$/;
const PATTERN_SEGMENT = /^[A-Za-z0-9\-._~!$&'()+,;=:@%]+$/;
const DANGEROUS_ENCODING = /%(?:2f|5c)/i;
const QUERY_OR_FRAGMENT = /[?#]/;
const WHITESPACE = /\s/;

export type EndpointPattern = {
  method: string | null;
  /** Literal segments and `*`; a trailing `**` is held in `deep` instead. */
  segments: string[];
  deep: boolean;
};
export type ParseEndpointResult =
  | { ok: true; value: EndpointPattern }
  | { ok: false; error: string };

function splitMethod(s: string): { method: string | null; path: string } {
  const m = METHOD_PREFIX.exec(s);
  return m ? { method: (m[1] ?? "").toUpperCase(), path: m[2] ?? "" } : { method: null, path: s };
}

function splitPath(path: string): string[] {
  const segments = path.slice(1).split("/");
  if (segments.length > 0 && segments[segments.length - 1] === "") segments.pop();
  return segments;
}

export function parseEndpointPattern(s: string): ParseEndpointResult {
  if (s.length === 0) return { ok: false, error: "Enter a path such as /v1/orders/*" };
  if (s.length > ENDPOINT_PATTERN_MAX_LENGTH) {
    return { ok: false, error: `Longer than ${ENDPOINT_PATTERN_MAX_LENGTH} characters` };
  }
  const { method, path } = splitMethod(s);
  if (method !== null && !(HTTP_METHODS as readonly string[]).includes(method)) {
    return {
      ok: false,
      error: `Unknown HTTP method "${method}"; use one of ${HTTP_METHODS.join(", ")}`,
    };
  }
  if (!path.startsWith("/")) return { ok: false, error: 'The path must start with "/"' };
  const segments = splitPath(path);
  let deep = false;
  for (const [i, segment] of segments.entries()) {
    if (segment === "**") {
      if (i !== segments.length - 1)
        return { ok: false, error: '"**" is only allowed as the last segment' };
      deep = true;
    } else if (segment === "") {
      return { ok: false, error: 'Empty path segment ("//")' };
    } else if (segment === "." || segment === "..") {
      return { ok: false, error: '"." and ".." segments are not allowed' };
    } else if (segment !== "*" && segment.includes("*")) {
      return {
        ok: false,
        error: `A wildcard must be a whole segment ("*" or "**"), not "${segment}"`,
      };
    } else if (segment !== "*" && !PATTERN_SEGMENT.test(segment)) {
      return { ok: false, error: `Segment "${segment}" contains characters not allowed in a path` };
    }
  }
  if (deep) segments.pop();
  return { ok: true, value: { method, segments, deep } };
}

type Endpoint = { method: string | null; segments: string[] };

function parseEndpoint(endpoint: string): Endpoint | null {
  if (endpoint.length === 0 || endpoint.length > ENDPOINT_MAX_LENGTH) return null;
  const { method, path: raw } = splitMethod(endpoint);
  const end = raw.search(QUERY_OR_FRAGMENT);
  const path = end < 0 ? raw : raw.slice(0, end);
  if (!path.startsWith("/") || path.includes("\\") || DANGEROUS_ENCODING.test(path)) return null;
  const segments = splitPath(path);
  for (const segment of segments) {
    if (segment === "" || WHITESPACE.test(segment)) return null;
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return null; // malformed escapes: we cannot know how the service reads them
    }
    if (decoded === "." || decoded === "..") return null;
  }
  return { method, segments };
}

function matchesPattern(pattern: EndpointPattern, endpoint: Endpoint): boolean {
  // A method-restricted pattern cannot be satisfied by an endpoint without one.
  if (pattern.method !== null && pattern.method !== endpoint.method) return false;
  const fixed = pattern.segments.length;
  if (pattern.deep ? endpoint.segments.length <= fixed : endpoint.segments.length !== fixed)
    return false;
  for (let i = 0; i < fixed; i++) {
    const p = pattern.segments[i];
    if (p !== "*" && p !== endpoint.segments[i]) return false;
  }
  return true;
}

/**
 * Compiles a key's endpoint patterns once (per cached key record). Invalid
 * stored patterns match nothing, so they can only narrow access.
 */
export function compileEndpointPatterns(
  patterns: readonly string[],
): (endpoint: string | undefined) => boolean {
  if (patterns.length === 0) return () => true;
  const compiled: EndpointPattern[] = [];
  for (const s of patterns) {
    const parsed = parseEndpointPattern(s);
    if (parsed.ok) compiled.push(parsed.value);
  }
  return (endpoint) => {
    if (endpoint === undefined) return false;
    const parsed = parseEndpoint(endpoint);
    return parsed !== null && compiled.some((p) => matchesPattern(p, parsed));
  };
}

/** Empty pattern list = any endpoint; otherwise the endpoint must be given and match. */
export function isEndpointAllowed(
  endpoint: string | undefined,
  patterns: readonly string[],
): boolean {
  return compileEndpointPatterns(patterns)(endpoint);
}

export const RESOURCE_MAX_LENGTH = 256;

/** A resource entry is free text; `*` is allowed only as the last character. */
export function isValidResourcePattern(s: string): boolean {
  const star = s.indexOf("*");
  return s.length > 0 && s.length <= RESOURCE_MAX_LENGTH && (star < 0 || star === s.length - 1);
}

/**
 * Exact match, or prefix match for entries ending in `*` (`gpt-4*` allows
 * `gpt-4o`; a lone `*` allows any non-empty resource). Case-sensitive.
 */
export function compileResourceMatcher(
  allowed: readonly string[],
): (resource: string | undefined) => boolean {
  if (allowed.length === 0) return () => true;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const entry of allowed) {
    if (!isValidResourcePattern(entry)) continue;
    if (entry.endsWith("*")) prefixes.push(entry.slice(0, -1));
    else exact.add(entry);
  }
  return (resource) =>
    resource !== undefined &&
    resource.length > 0 &&
    (exact.has(resource) || prefixes.some((prefix) => resource.startsWith(prefix)));
}

/** Empty list = any resource; otherwise the resource must be given and match. */
export function isResourceAllowed(
  resource: string | undefined,
  allowed: readonly string[],
): boolean {
  return compileResourceMatcher(allowed)(resource);
}
