import type { ReactNode } from "react";

/**
 * A card that is a named region (the settings and account pages), so screen readers can
 * jump between sections and tests can find one by its heading.
 */
export function SectionCard({
  id,
  title,
  description,
  children,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={`${id}-title`}
      className="min-w-0 rounded-lg border border-zinc-200 bg-white p-6 shadow-xs"
    >
      <h2 id={`${id}-title`} className="text-base font-semibold">
        {title}
      </h2>
      {description ? <p className="mt-1 text-sm text-zinc-600">{description}</p> : null}
      <div className="mt-4">{children}</div>
    </section>
  );
}
