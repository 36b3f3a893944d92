"use client";

import { describeZone, formatInstant } from "./format";
import { useTimeZone } from "./use-time-zone";

/** An instant shown in the viewer's time zone, with the ISO value for machines. */
export function LocalTime({ iso }: { iso: string }) {
  const timeZone = useTimeZone();
  return (
    <time dateTime={iso} title={iso}>
      {formatInstant(iso, timeZone)}
    </time>
  );
}

/** The viewer's zone as text, for column headers of times shown with LocalTime. */
export function ViewerZone() {
  return <>{describeZone(useTimeZone())}</>;
}
