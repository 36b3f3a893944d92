import { Badge } from "@/components/ui/badge";
import type { KeyStatusLabel } from "@/lib/keys/dto";

const TONE = { ACTIVE: "green", SUSPENDED: "yellow", REVOKED: "red", EXPIRED: "neutral" } as const;
const LABEL = {
  ACTIVE: "Active",
  SUSPENDED: "Suspended",
  REVOKED: "Revoked",
  EXPIRED: "Expired",
} as const;

export function KeyStatusBadge({ status }: { status: KeyStatusLabel }) {
  return <Badge tone={TONE[status]}>{LABEL[status]}</Badge>;
}
