// Where a person lands after signing in. The destination arrives from the client (a
// `callbackUrl` query parameter, next-auth's callback-url cookie, a form field), so it is
// hostile input: a value that a browser reads as another origin would be an open
// redirect. Browsers resolve a Location header or a navigation with the WHATWG URL
// parser, which drops tabs and newlines, turns "\" into "/" and reads "//host" as a new
// host; no string prefix check can follow all of that. So the value is parsed here with
// the same parser, against the app's origin, and only a value that stays on that origin
// is accepted. What comes back is rebuilt from the parsed URL (path, query and fragment),
// which is percent-encoded printable ASCII: no control character can reach a header.
// Pure: the sign-in page, the sign-in form in the browser and next-auth's redirect
// callback all use it.

/** Where a person lands when the requested destination is refused or missing. */
export const DEFAULT_LANDING = "/";

/**
 * Longer destinations are refused: no link of the app comes near this, and a huge
 * Location header can be refused by a proxy in front of the app.
 */
export const MAX_CALLBACK_LENGTH = 2048;

/**
 * The same-origin path that `value` points to (pathname, search and hash of the URL it
 * names when parsed against `origin`), or `fallback` when it names another origin, a
 * non-HTTP scheme, is not a single string, or is too long. `origin` is the app's origin,
 * e.g. "https://keys.example.com"; the answer is a path on it in every case.
 */
export function safeCallbackPath(
  value: unknown,
  origin: string,
  fallback: string = DEFAULT_LANDING,
): string {
  if (typeof value !== "string" || value === "" || value.length > MAX_CALLBACK_LENGTH) {
    return fallback;
  }
  const base = parseOrigin(origin);
  if (!base) return fallback;
  const target = parse(value, base);
  if (!target || target.origin !== base) return fallback;
  const path = `${target.pathname}${target.search}${target.hash}`;
  // The path is parsed once more: a path such as "/.//evil.com" normalises to
  // "//evil.com", which is same-origin as part of the full URL but another host when a
  // browser resolves it on its own.
  const again = parse(path, base);
  if (!again || again.origin !== base || path.length > MAX_CALLBACK_LENGTH) return fallback;
  return path;
}

function parse(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** The origin of `origin` (which may carry a path), or undefined if it is not HTTP(S). */
function parseOrigin(origin: string): string | undefined {
  const url = parse(origin);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) return undefined;
  return url.origin;
}
