import { Badge } from "@/components/ui/badge";
import type { KeySignal, SignalKind } from "@/lib/usage/analytics-types";

export const SIGNAL_LABEL: Record<SignalKind, string> = {
  spike: "Traffic spike",
  new_ips: "New client IPs",
  denials_rising: "Denials rising",
};

/** Badges for a key's leak signals; the sentence behind each is its accessible title. */
export function SignalBadges({ signals }: { signals: KeySignal[] }) {
  if (signals.length === 0) return null;
  return (
    <ul className="flex flex-wrap gap-1.5" aria-label="Signals that need attention">
      {signals.map((signal) => (
        <li key={signal.kind} title={signal.summary}>
          <Badge tone={signal.kind === "new_ips" ? "yellow" : "red"}>
            <span aria-hidden className="mr-1">
              ⚠
            </span>
            {SIGNAL_LABEL[signal.kind]}
            <span className="sr-only">: {signal.summary}</span>
          </Badge>
        </li>
      ))}
    </ul>
  );
}
