"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { type FormEvent, useId, useState, useTransition } from "react";
import { cn } from "@/components/ui/cn";
import { RANGE_PRESETS, type RangePreset, type UsageRange } from "@/lib/usage/analytics-types";
import { describeZone, formatInstant } from "./format";
import { useTimeZone } from "./use-time-zone";

const PRESET_LABEL: Record<Exclude<RangePreset, "custom">, string> = {
  "24h": "24 h",
  "7d": "7 d",
  "30d": "30 d",
  "90d": "90 d",
};

const BUCKET_LABEL: Record<UsageRange["granularity"], string> = {
  minute: "minute",
  hour: "hour",
  day: "day",
};

function bucketText(range: UsageRange): string {
  const unit = BUCKET_LABEL[range.granularity];
  const per =
    range.granularity === "minute" ? 60_000 : range.granularity === "hour" ? 3_600_000 : 86_400_000;
  const n = Math.round(range.bucketMs / per);
  return n <= 1 ? `one bar per ${unit}` : `one bar per ${n} ${unit}s`;
}

/**
 * The span shown: day ranges as UTC dates (their buckets are UTC days, see format.ts),
 * shorter ones as instants in the viewer's zone.
 */
function describeRange(range: UsageRange, timeZone: string): string {
  if (range.granularity === "day") {
    const day = (iso: string) =>
      new Intl.DateTimeFormat("en-US", { timeZone: "UTC", dateStyle: "medium" }).format(
        new Date(iso),
      );
    const last = new Date(Date.parse(range.to) - 1).toISOString();
    return `${day(range.from)} – ${day(last)} (UTC days)`;
  }
  const at = (iso: string) => formatInstant(iso, timeZone).replace(/:\d\d$/, "");
  return `${at(range.from)} – ${at(range.to)} (${describeZone(timeZone)})`;
}

/** A yyyy-mm-dd date input value for an instant, in the viewer's zone. */
function dateValue(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, dateStyle: "short" }).format(new Date(iso));
}

/** The start of a local calendar day as an ISO instant ("2026-11-20" → local midnight). */
function localMidnight(value: string, addDays = 0): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

type Errors = { from?: string; to?: string };

/**
 * Chooses the range every chart on the page shows: presets are plain links, a custom
 * range is two dates in the viewer's zone (whole days, the end day included). The range
 * lives in the URL (?range= or ?from=&to=) so it can be shared and survives reloads; the
 * server re-validates it and explains any fallback in `range.notice`.
 */
export function RangePicker({
  range,
  retentionDays,
}: {
  range: UsageRange;
  /** How far back the data goes, to bound the custom start date. */
  retentionDays: number;
}) {
  const pathname = usePathname();
  const router = useRouter();
  const timeZone = useTimeZone();
  const id = useId();
  const [isPending, startTransition] = useTransition();
  const [customOpen, setCustomOpen] = useState(range.preset === "custom");
  const [errors, setErrors] = useState<Errors>({});
  const today = dateValue(new Date().toISOString(), timeZone);
  const oldest = dateValue(
    new Date(Date.now() - retentionDays * 86_400_000).toISOString(),
    timeZone,
  );

  function applyCustom(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const fromDay = String(form.get("from") ?? "");
    const toDay = String(form.get("to") ?? "");
    const from = localMidnight(fromDay);
    const to = localMidnight(toDay, 1);
    const next: Errors = {};
    if (!from) next.from = "Choose a start date.";
    else if (fromDay < oldest)
      next.from = `Usage is kept for ${retentionDays} days; choose ${oldest} or later.`;
    if (!to) next.to = "Choose an end date.";
    else if (from && toDay < fromDay) next.to = "The end date must be on or after the start date.";
    setErrors(next);
    if (next.from || next.to || !from || !to) return;
    const query = new URLSearchParams({ from, to });
    startTransition(() => router.push(`${pathname}?${query}`, { scroll: false }));
  }

  const linkClass = (active: boolean) =>
    cn(
      "rounded px-2.5 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-zinc-900",
      active ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100",
    );

  return (
    <div className="mb-6 space-y-3" aria-busy={isPending}>
      <div className="flex flex-wrap items-center gap-3">
        <nav
          aria-label="Time range"
          className="inline-flex rounded-md border border-zinc-300 bg-white p-0.5"
        >
          {RANGE_PRESETS.map((preset) => (
            <Link
              key={preset}
              href={`${pathname}?range=${preset}`}
              scroll={false}
              aria-current={range.preset === preset ? "page" : undefined}
              className={linkClass(range.preset === preset)}
              onClick={() => setCustomOpen(false)}
            >
              {PRESET_LABEL[preset]}
            </Link>
          ))}
          <button
            type="button"
            aria-expanded={customOpen}
            aria-controls={`${id}-custom`}
            className={linkClass(range.preset === "custom")}
            onClick={() => setCustomOpen((open) => !open)}
          >
            Custom
          </button>
        </nav>
        <p className="text-xs text-zinc-500" data-testid="range-description">
          {describeRange(range, timeZone)} · {bucketText(range)}
        </p>
      </div>
      {customOpen ? (
        <form
          // Remounted once the viewer's zone is known, so the default dates are local ones.
          key={timeZone}
          id={`${id}-custom`}
          onSubmit={applyCustom}
          noValidate
          className="flex flex-wrap items-start gap-3 rounded-md border border-zinc-200 bg-white p-3"
        >
          {(["from", "to"] as const).map((field) => (
            <div key={field} className="space-y-1">
              <label htmlFor={`${id}-${field}`} className="block text-xs font-medium text-zinc-700">
                {field === "from" ? "From" : "To (included)"}
              </label>
              <input
                id={`${id}-${field}`}
                name={field}
                type="date"
                min={oldest}
                max={today}
                defaultValue={
                  range.preset === "custom"
                    ? dateValue(
                        field === "from"
                          ? range.from
                          : new Date(Date.parse(range.to) - 1).toISOString(),
                        timeZone,
                      )
                    : undefined
                }
                aria-invalid={Boolean(errors[field])}
                aria-describedby={errors[field] ? `${id}-${field}-error` : undefined}
                className={cn(
                  "block rounded-md border bg-white px-2 py-1 text-sm",
                  errors[field] ? "border-red-500" : "border-zinc-300",
                )}
              />
              {errors[field] ? (
                <p id={`${id}-${field}-error`} className="max-w-56 text-xs text-red-600">
                  {errors[field]}
                </p>
              ) : null}
            </div>
          ))}
          <button
            type="submit"
            disabled={isPending}
            className="mt-5 h-8 rounded-md bg-zinc-900 px-3 text-sm font-medium text-white hover:bg-zinc-700 disabled:bg-zinc-400"
          >
            {isPending ? "Loading…" : "Apply"}
          </button>
        </form>
      ) : null}
      {range.notice ? (
        <p
          role="status"
          data-testid="range-notice"
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {range.notice}
        </p>
      ) : null}
    </div>
  );
}
