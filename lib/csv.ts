/**
 * CSV as RFC 4180 describes it: CRLF between records, fields holding a comma, a double
 * quote, CR or LF wrapped in double quotes with inner quotes doubled.
 *
 * Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
 * CR) are prefixed with a single quote, as OWASP advises against CSV injection: key names
 * are typed by tenant members and the file is opened by someone else. Numbers are
 * written as they are, so negative values stay numbers.
 */
export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
