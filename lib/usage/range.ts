import { env } from "@/lib/env";
import type { Granularity, RangeInput, RangePreset, UsageRange } from "./analytics-types";

/**
 * Time ranges of the usage charts: presets and custom from/to from the page URL, the
 * rollup each range reads (its granularity) and the bucket width, and the fallback for
 * anything invalid. Pure apart from reading the retention settings.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export type UsageRetention = {
  /** Raw events (UsageEvent) and client IPs not seen for this long. */
  eventsDays: number;
  minuteDays: number;
  hourDays: number;
  dayDays: number;
};

/** How many days of raw events and of each rollup are kept (KEYPLANE_USAGE_*_DAYS). */
export function usageRetention(): UsageRetention {
  const e = env();
  return {
    eventsDays: e.KEYPLANE_USAGE_EVENTS_DAYS,
    minuteDays: e.KEYPLANE_USAGE_MINUTE_DAYS,
    hourDays: e.KEYPLANE_USAGE_HOUR_DAYS,
    dayDays: e.KEYPLANE_USAGE_DAY_DAYS,
  };
}

/** Charts stay under this many points; the bucket width grows to keep them there. */
export const MAX_POINTS = 200;

const PRESET_SPAN: Record<Exclude<RangePreset, "custom">, number> = {
  "24h": DAY_MS,
  "7d": 7 * DAY_MS,
  "30d": 30 * DAY_MS,
  "90d": 90 * DAY_MS,
};

export const DEFAULT_PRESET = "7d" as const;

const UNIT_MS: Record<Granularity, number> = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS };

function floorTo(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}

function ceilTo(ms: number, step: number): number {
  return Math.ceil(ms / step) * step;
}

/**
 * The finest rollup and bucket width that keep `span` under MAX_POINTS, among the
 * rollups that still hold data as old as `from`: minute buckets of 1, 5, 15 or 30
 * minutes (up to ~4 days), hours up to ~8 days, then days (binned when the range is
 * longer than MAX_POINTS days).
 */
export function chooseBuckets(
  span: number,
  ageOfStart: number,
  retention: UsageRetention,
): { granularity: Granularity; bucketMs: number } {
  if (ageOfStart <= retention.minuteDays * DAY_MS) {
    for (const n of [1, 5, 15, 30]) {
      if (span / (n * MINUTE_MS) <= MAX_POINTS)
        return { granularity: "minute", bucketMs: n * MINUTE_MS };
    }
  }
  if (ageOfStart <= retention.hourDays * DAY_MS && span / HOUR_MS <= MAX_POINTS) {
    return { granularity: "hour", bucketMs: HOUR_MS };
  }
  const days = Math.max(1, Math.ceil(span / DAY_MS / MAX_POINTS));
  return { granularity: "day", bucketMs: days * DAY_MS };
}

function rangeOf(
  preset: RangePreset,
  fromMs: number,
  toMs: number,
  now: number,
  retention: UsageRetention,
  notice: string | null,
): UsageRange {
  const { granularity, bucketMs } = chooseBuckets(toMs - fromMs, now - fromMs, retention);
  const from = floorTo(fromMs, bucketMs);
  const to = Math.max(ceilTo(toMs, bucketMs), from + bucketMs);
  return {
    preset,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    granularity,
    bucketMs,
    notice,
  };
}

function presetRange(
  preset: Exclude<RangePreset, "custom">,
  now: number,
  retention: UsageRetention,
  notice: string | null,
): UsageRange {
  const span = PRESET_SPAN[preset];
  // Presets pick their rollup by span (24 h → 15-minute buckets, 7 d → hours, 30 d and
  // 90 d → days) and end with the bucket that holds `now`, so the latest data shows.
  const { granularity, bucketMs } =
    preset === "30d" || preset === "90d"
      ? { granularity: "day" as const, bucketMs: DAY_MS }
      : chooseBuckets(span, span, retention);
  const to = ceilTo(now + 1, bucketMs);
  return {
    preset,
    from: new Date(to - span).toISOString(),
    to: new Date(to).toISOString(),
    granularity,
    bucketMs,
    notice,
  };
}

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  const trimmed = v?.trim();
  return trimmed ? trimmed : undefined;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** True when YYYY-MM-DD names a day of the calendar (Date.parse rolls 02-31 into March). */
function realDay(ymd: string): boolean {
  const ms = Date.parse(`${ymd}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === ymd;
}

/** Epoch ms of an ISO date (UTC midnight) or date-time (UTC unless it has an offset). */
export function parseDate(text: string): { ms: number; dateOnly: boolean } | null {
  if (DATE_ONLY.test(text)) {
    if (!realDay(text)) return null;
    return { ms: Date.parse(`${text}T00:00:00Z`), dateOnly: true };
  }
  if (DATE_TIME.test(text)) {
    if (!realDay(text.slice(0, 10))) return null;
    const hasZone = /(Z|[+-]\d{2}:\d{2})$/.test(text);
    const ms = Date.parse(hasZone ? text : `${text}Z`);
    if (Number.isNaN(ms)) return null;
    return { ms, dateOnly: false };
  }
  return null;
}

function isPreset(value: string): value is Exclude<RangePreset, "custom"> {
  return Object.hasOwn(PRESET_SPAN, value);
}

/**
 * The range a chart page shows for its URL. Presets `24h`, `7d`, `30d`, `90d`; or a
 * custom `from`/`to` (ISO date or date-time; a date-only `to` includes that whole day;
 * a missing `to` means now). Anything invalid falls back to the last 7 days, with
 * `notice` saying what was wrong.
 */
export function parseUsageRange(
  input: RangeInput,
  now: Date = new Date(),
  retention: UsageRetention = usageRetention(),
): UsageRange {
  const nowMs = now.getTime();
  const fallback = (notice: string) => presetRange(DEFAULT_PRESET, nowMs, retention, notice);
  const kept = retention.dayDays * DAY_MS;
  const keptText = `Usage is kept for ${retention.dayDays} days`;

  const range = first(input.range);
  const fromText = first(input.from);
  const toText = first(input.to);

  if (fromText === undefined && toText === undefined) {
    if (range === undefined) return presetRange(DEFAULT_PRESET, nowMs, retention, null);
    if (!isPreset(range)) {
      return fallback(
        `“${range.slice(0, 40)}” is not a range (use 24h, 7d, 30d or 90d); showing the last 7 days.`,
      );
    }
    if (PRESET_SPAN[range] > kept) {
      return fallback(
        `${keptText}, so the last ${range} cannot be shown; showing the last 7 days.`,
      );
    }
    return presetRange(range, nowMs, retention, null);
  }

  if (fromText === undefined) {
    return fallback("A custom range needs a start date; showing the last 7 days.");
  }
  const from = parseDate(fromText);
  if (from === null) {
    return fallback(
      `The start date “${fromText.slice(0, 40)}” is not a valid date (use YYYY-MM-DD); showing the last 7 days.`,
    );
  }
  if (from.ms > nowMs) {
    return fallback("The range starts in the future; showing the last 7 days.");
  }
  let toMs = nowMs;
  if (toText !== undefined) {
    const to = parseDate(toText);
    if (to === null) {
      return fallback(
        `The end date “${toText.slice(0, 40)}” is not a valid date (use YYYY-MM-DD); showing the last 7 days.`,
      );
    }
    toMs = to.dateOnly ? to.ms + DAY_MS : to.ms;
  }
  if (toMs <= from.ms) {
    return fallback("The end of the range is not after its start; showing the last 7 days.");
  }
  if (from.ms < nowMs - kept) {
    return fallback(`${keptText}; the range starts earlier than that. Showing the last 7 days.`);
  }
  // The future holds no usage: a range ending later ends with the bucket that holds now.
  return rangeOf("custom", from.ms, Math.min(toMs, nowMs + 1), nowMs, retention, null);
}

/** The start of every bucket of the range, oldest first. */
export function bucketStarts(range: UsageRange): number[] {
  const out: number[] = [];
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  for (let t = from; t < to; t += range.bucketMs) out.push(t);
  return out;
}

export function unitMs(granularity: Granularity): number {
  return UNIT_MS[granularity];
}
