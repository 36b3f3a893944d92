import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { can, ROLE_LABELS } from "@/lib/auth/roles";
import { requireMember } from "@/lib/auth/session";
import { listInvitations } from "@/lib/tenants/invitations";
import { listMembers } from "@/lib/tenants/members";
import { OwnersOnly } from "../_components/owners-only";
import { InviteForm } from "./_components/invite-form";
import { MemberActions } from "./_components/member-actions";
import { RevokeInvitationButton } from "./_components/revoke-invitation-button";

export const metadata: Metadata = { title: "Members" };

const MEMBER_COLUMNS = [{ label: "Member" }, { label: "Role" }];

const STATE_TONE = {
  pending: "blue",
  accepted: "green",
  expired: "neutral",
  revoked: "neutral",
} as const;

export default async function MembersPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  const ctx = await requireMember(tenant);
  if (!can(ctx.role, "members:manage")) return <OwnersOnly title="Members" what="manage members" />;
  const [members, invitations] = await Promise.all([listMembers(ctx), listInvitations(ctx)]);
  return (
    <>
      <PageHeader title="Members" description="Who can see and manage this organization's keys." />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <Card className="p-0">
          <Table caption="Members" columns={MEMBER_COLUMNS}>
            {members.map((m) => (
              <tr key={m.membershipId} data-testid={`member-${m.email}`}>
                <td className="px-4 py-3">
                  <span className="block font-medium">{m.name}</span>
                  <span className="block text-xs text-zinc-500">{m.email}</span>
                </td>
                <td className="px-4 py-3">
                  <MemberActions
                    tenant={ctx.tenantSlug}
                    membershipId={m.membershipId}
                    email={m.email}
                    role={m.role}
                    isSelf={m.userId === ctx.actor.id}
                  />
                </td>
              </tr>
            ))}
          </Table>
        </Card>
        <div className="space-y-6">
          <Card>
            <h2 className="mb-4 text-base font-semibold">Invite someone</h2>
            <InviteForm tenant={ctx.tenantSlug} />
          </Card>
          {invitations.length > 0 ? (
            <Card>
              <h2 className="mb-3 text-base font-semibold">Invitations</h2>
              <ul className="divide-y divide-zinc-100 text-sm">
                {invitations.map((inv) => (
                  <li key={inv.id} className="flex items-center justify-between gap-2 py-2">
                    <span className="min-w-0">
                      <span className="block truncate">{inv.email ?? "Anyone with the link"}</span>
                      <span className="text-xs text-zinc-500">
                        {ROLE_LABELS[inv.role]} · expires {inv.expiresAt.toISOString().slice(0, 10)}
                      </span>
                    </span>
                    <span className="flex items-center gap-2">
                      <Badge tone={STATE_TONE[inv.state]}>{inv.state}</Badge>
                      {inv.state === "pending" ? (
                        <RevokeInvitationButton tenant={ctx.tenantSlug} invitationId={inv.id} />
                      ) : null}
                    </span>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </div>
      </div>
    </>
  );
}
