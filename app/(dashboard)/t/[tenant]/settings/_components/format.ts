// Dates render in UTC on the server and in the browser alike, so hydration never
// changes the text.

export function formatDay(value: Date | null): string {
  return value ? value.toISOString().slice(0, 10) : "—";
}

export function formatDateTime(value: Date | null): string {
  return value ? `${value.toISOString().slice(0, 16).replace("T", " ")} UTC` : "Never";
}
