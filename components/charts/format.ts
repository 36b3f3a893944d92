import type { Granularity } from "@/lib/usage/analytics-types";

// Formatting shared by the charts, their table views and tooltips. Times arrive as UTC
// ISO strings; minute and hour buckets are shown in the viewer's time zone, day buckets
// in UTC because the rollups cut days at UTC midnight (a New York viewer would otherwise
// see each day labelled with the previous date).

const integer = new Intl.NumberFormat("en-US");
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatCompact(value: number): string {
  return compact.format(value);
}

export function formatCents(cents: number): string {
  return `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Axis ticks for money: no cents once the values are large. */
export function formatCentsCompact(cents: number): string {
  const dollars = cents / 100;
  if (Math.abs(dollars) >= 1000) return `$${compact.format(dollars)}`;
  const decimals = Math.abs(dollars) < 10 && !Number.isInteger(dollars) ? 2 : 0;
  return `$${dollars.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}`;
}

/** The zone a bucket is shown in: the viewer's for minutes and hours, UTC for days. */
export function bucketZone(granularity: Granularity, viewerZone: string): string {
  return granularity === "day" ? "UTC" : viewerZone;
}

function format(iso: string, timeZone: string, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", ...options }).format(
    new Date(iso),
  );
}

/** A short axis tick: "14:00", "Nov 20 14:00" or "Nov 20". */
export function formatTick(
  iso: string,
  granularity: Granularity,
  timeZone: string,
  spansDays: boolean,
): string {
  if (granularity === "day") return format(iso, "UTC", { month: "short", day: "numeric" });
  if (!spansDays) return format(iso, timeZone, { hour: "2-digit", minute: "2-digit" });
  return format(iso, timeZone, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** A full bucket label for tooltips and table rows: "Sun, Nov 22, 14:00–15:00". */
export function formatBucket(
  iso: string,
  granularity: Granularity,
  bucketMs: number,
  timeZone: string,
): string {
  if (granularity === "day") {
    const day = format(iso, "UTC", { weekday: "short", month: "short", day: "numeric" });
    if (bucketMs <= 86_400_000) return day;
    const last = new Date(Date.parse(iso) + bucketMs - 86_400_000).toISOString();
    return `${day} – ${format(last, "UTC", { month: "short", day: "numeric" })}`;
  }
  const start = format(iso, timeZone, {
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  const end = format(new Date(Date.parse(iso) + bucketMs).toISOString(), timeZone, {
    hour: "2-digit",
    minute: "2-digit",
  });
  return `${start}–${end}`;
}

/** An event's time, to the second, in the viewer's zone. */
export function formatInstant(iso: string, timeZone: string): string {
  return format(iso, timeZone, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** "Europe/Berlin" → "Europe/Berlin (GMT+1)", for captions and column headers. */
export function describeZone(timeZone: string, at = new Date()): string {
  if (timeZone === "UTC") return "UTC";
  const part = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "shortOffset" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName");
  return part ? `${timeZone} (${part.value})` : timeZone;
}
