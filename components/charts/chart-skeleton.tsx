import { cn } from "@/components/ui/cn";

/** The box every chart frame draws in: the same height loading, empty, failed or drawn. */
export const CHART_BODY = "h-64";

/**
 * A chart's loading state, shaped like the chart it stands for so nothing moves when
 * the data streams in. Rendered on the server as a Suspense fallback.
 */
export function ChartSkeleton({
  title,
  description,
  className,
}: {
  title: string;
  description?: string;
  className?: string;
}) {
  return (
    <section
      aria-label={title}
      aria-busy="true"
      className={cn("rounded-lg border border-zinc-200 bg-white p-5 shadow-xs", className)}
    >
      <div className="mb-4 min-h-10">
        <h2 className="text-sm font-semibold text-zinc-900">{title}</h2>
        {description ? <p className="mt-0.5 text-xs text-zinc-500">{description}</p> : null}
      </div>
      <div className="mb-2 h-4 w-40 animate-pulse rounded bg-zinc-100" />
      <div className={cn(CHART_BODY, "flex items-end gap-1.5 pb-6")}>
        {[38, 62, 45, 80, 55, 70, 40, 66, 52, 74, 48, 60].map((height, i) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: fixed decorative bars
            key={i}
            className="flex-1 animate-pulse rounded-sm bg-zinc-100"
            style={{ height: `${height}%` }}
          />
        ))}
      </div>
      <p className="sr-only" role="status">
        Loading {title.toLowerCase()}…
      </p>
    </section>
  );
}
