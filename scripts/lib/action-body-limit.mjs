// Server actions are POSTs to the dashboard's pages, with a Next-Action header (or, before
// the page has hydrated, a plain form post). Next.js refuses an action body over its limit
// (serverActions.bodySizeLimit, 1 MB by default) only while reading it, and then answers
// 500, which a form can only show as a crash. This refuses such a body before Next.js
// reads it: a declared length over the limit gets 413 with a plain-text message, which
// Next.js's client hands to the form as the action's error (it does so for a text/plain
// error answer; components/ui/use-form-action.ts shows it). A body of unknown length
// (chunked) gets 411: no browser sends an action that way, and Next.js would read it up
// to the limit only to fail with a 500.

export const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

/** Must start as FORM_TOO_LARGE_PREFIX in lib/auth/action-state.ts (a test checks it). */
export const FORM_TOO_LARGE_MESSAGE =
  "This form is too large to send (limit 1 MB). Shorten what you entered and try again.";

const FORM_TYPES = ["multipart/form-data", "application/x-www-form-urlencoded"];

function isActionPost(req) {
  if (req.method !== "POST") return false;
  if (req.headers["next-action"] !== undefined) return true;
  // The APIs have their own limits and error shapes.
  if (req.url.startsWith("/api/") || req.url.startsWith("/v2/")) return false;
  const type = req.headers["content-type"] ?? "";
  return FORM_TYPES.some((form) => type.startsWith(form));
}

function refuse(res, status, message) {
  // The body is not read, so the connection cannot be reused for another request.
  res.writeHead(status, {
    "content-type": "text/plain",
    "content-length": Buffer.byteLength(message),
    "cache-control": "no-store",
    connection: "close",
  });
  res.end(message);
}

/**
 * Answers a server action whose body is too large (413) or of unknown length (411) and
 * returns true; returns false, touching nothing, for every other request.
 */
export function refuseOversizedAction(req, res, limit = ACTION_BODY_LIMIT_BYTES) {
  if (!isActionPost(req)) return false;
  const declared = req.headers["content-length"];
  if (declared === undefined) {
    if (req.headers["transfer-encoding"] === undefined) return false; // no body at all
    refuse(res, 411, "Send the form with a Content-Length.");
    return true;
  }
  const length = Number(declared);
  if (Number.isSafeInteger(length) && length <= limit) return false;
  refuse(res, 413, FORM_TOO_LARGE_MESSAGE);
  return true;
}
