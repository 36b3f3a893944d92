"use client";

import { type ReactNode, useId, useState } from "react";
import { cn } from "@/components/ui/cn";
import { CHART_BODY } from "./chart-skeleton";

export type ChartView = "chart" | "table";

/**
 * The frame every usage chart sits in: title and description, a CSV download of what it
 * shows, a Chart / Table switch whose table holds the same numbers, and the empty and
 * error states, all in a body of fixed height so switching or streaming moves nothing.
 * The chart itself and its table are given as render functions so the hidden one is not
 * drawn.
 */
export function ChartFrame({
  title,
  description,
  csvHref,
  summary,
  isEmpty = false,
  emptyMessage = "No requests in this range.",
  error,
  chart,
  table,
  className,
}: {
  title: string;
  description?: string;
  csvHref?: string;
  /** One line of text with the headline numbers; also the chart's text alternative. */
  summary?: ReactNode;
  isEmpty?: boolean;
  emptyMessage?: ReactNode;
  /** The message to show when the chart's query failed. */
  error?: string | null;
  chart?: () => ReactNode;
  table?: () => ReactNode;
  className?: string;
}) {
  const [view, setView] = useState<ChartView>("chart");
  const id = useId();
  const showControls = !error && !isEmpty;

  return (
    <section
      aria-labelledby={`${id}-title`}
      className={cn("rounded-lg border border-zinc-200 bg-white p-5 shadow-xs", className)}
    >
      <div className="mb-4 flex min-h-10 items-start justify-between gap-2">
        <div className="min-w-0 flex-1">
          <h2 id={`${id}-title`} className="text-sm font-semibold text-zinc-900">
            {title}
          </h2>
          {description ? <p className="mt-0.5 text-xs text-zinc-500">{description}</p> : null}
        </div>
        <div className="flex shrink-0 items-center gap-2">
          {showControls && table ? (
            <fieldset className="inline-flex rounded-md border border-zinc-300 p-0.5 text-xs">
              <legend className="sr-only">Show {title.toLowerCase()} as</legend>
              {(["chart", "table"] as const).map((option) => (
                <button
                  key={option}
                  type="button"
                  aria-pressed={view === option}
                  onClick={() => setView(option)}
                  className={cn(
                    "rounded px-2 py-0.5 font-medium capitalize focus-visible:outline-2 focus-visible:outline-zinc-900",
                    view === option ? "bg-zinc-900 text-white" : "text-zinc-600 hover:bg-zinc-100",
                  )}
                >
                  {option}
                </button>
              ))}
            </fieldset>
          ) : null}
          {csvHref && !error ? (
            <a
              href={csvHref}
              download
              className="rounded-md border border-zinc-300 px-2 py-0.5 text-xs font-medium text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-zinc-900"
              aria-label={`Download ${title.toLowerCase()} as CSV`}
            >
              CSV
            </a>
          ) : null}
        </div>
      </div>
      <p id={`${id}-summary`} className="mb-2 h-4 truncate text-xs text-zinc-600">
        {showControls ? summary : null}
      </p>
      {error ? (
        <div
          role="alert"
          className={cn(
            CHART_BODY,
            "flex flex-col items-center justify-center gap-1 rounded-md bg-red-50 px-4 text-center text-sm text-red-800",
          )}
        >
          <p className="font-medium">This chart could not be loaded.</p>
          <p className="text-red-700">{error}</p>
        </div>
      ) : isEmpty ? (
        <div
          className={cn(
            CHART_BODY,
            "flex items-center justify-center rounded-md border border-dashed border-zinc-200 px-4 text-center text-sm text-zinc-500",
          )}
        >
          {emptyMessage}
        </div>
      ) : view === "table" && table ? (
        <div className={cn(CHART_BODY, "overflow-auto rounded-md border border-zinc-200")}>
          {table()}
        </div>
      ) : (
        <figure className={CHART_BODY} aria-describedby={summary ? `${id}-summary` : undefined}>
          {chart?.()}
        </figure>
      )}
    </section>
  );
}
