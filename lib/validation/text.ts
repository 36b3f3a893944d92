import { z } from "zod";

// The one definition of "text Keyplane accepts". Every schema that takes free text from
// outside (API bodies, query and path parameters, Unkey-compatible bodies, server
// actions) builds its strings from here, so the same text is refused everywhere with an
// error on the field that carried it.
//
// Refused in all text:
// - U+0000: PostgreSQL's text and jsonb cannot hold it, so a NUL that got through would
//   fail the write (or every later batch it travels in) long after the request.
// - Lone surrogates: half of a UTF-16 pair is not a character; UTF-8 cannot encode it
//   and jsonb refuses its escape.
// - Control characters (C0, DEL, C1): no name, label or path means them, and they are
//   how log lines and terminals are spoofed.
// Multi-line text (descriptions, reasons, metadata values) may also hold tab, line feed
// and carriage return: a textarea sends its line breaks as CRLF.
//
// One precompiled regular expression per string: a single native scan, no allocation,
// cheap enough for the verify path. With the `u` flag a well-formed surrogate pair is
// one code point, so `\p{Cs}` matches exactly the lone halves.

const SINGLE_LINE_FORBIDDEN = /[\p{Cc}\p{Cs}]/u;
const MULTI_LINE_FORBIDDEN = /(?![\t\n\r])[\p{Cc}\p{Cs}]/u;

export const SINGLE_LINE_MESSAGE =
  "Use printable text on one line: no control characters (such as NUL) or broken Unicode.";
export const MULTI_LINE_MESSAGE =
  "Use printable text: no control characters (such as NUL) or broken Unicode.";

/** True when `text` has no control character and no lone surrogate. */
export function isSingleLineText(text: string): boolean {
  return !SINGLE_LINE_FORBIDDEN.test(text);
}

/** True when `text` has no lone surrogate and no control character but tab, LF and CR. */
export function isMultiLineText(text: string): boolean {
  return !MULTI_LINE_FORBIDDEN.test(text);
}

type TextOptions = {
  /** The message for a value that is not a string at all (absent, a number, a list). */
  error?: string;
  /** The message for forbidden characters; the default says which ones. */
  message?: string;
};

/**
 * A string of printable text on one line. Chain `.trim()`, `.min()`, `.max()` after it;
 * the character check runs first and stops the field's other checks, so a field gets
 * one clear message.
 */
export function singleLineText(options: TextOptions = {}) {
  return z
    .string(options.error ? { error: options.error } : undefined)
    .refine(isSingleLineText, { message: options.message ?? SINGLE_LINE_MESSAGE, abort: true });
}

/** A string of printable text that may span lines (tab, LF and CR allowed). */
export function multiLineText(options: TextOptions = {}) {
  return z
    .string(options.error ? { error: options.error } : undefined)
    .refine(isMultiLineText, { message: options.message ?? MULTI_LINE_MESSAGE, abort: true });
}

/**
 * The id of a stored row (a cuid, or an id from a test or an import): letters, digits,
 * `_` and `-`. Anything else cannot name a row, so it is refused before the database is
 * asked; a well-formed id that names nothing is the caller's "not found".
 */
export const RECORD_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function recordId(message: string) {
  return z.string({ error: message }).trim().regex(RECORD_ID_PATTERN, message);
}
