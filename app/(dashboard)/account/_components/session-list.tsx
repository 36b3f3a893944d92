"use client";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useFormAction } from "@/components/ui/use-form-action";
import { endSessionAction } from "@/lib/account/actions";
import { describeUserAgent } from "./describe-user-agent";

export type SessionListItem = {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  userAgent: string | null;
  ip: string | null;
};

// Times render in UTC on the server and in the browser alike, so hydration never
// changes the text.
function formatDateTime(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

export function SessionList({
  sessions,
  currentSessionId,
}: {
  sessions: SessionListItem[];
  currentSessionId: string;
}) {
  return (
    <ul className="divide-y divide-zinc-200 rounded-md border border-zinc-200">
      {sessions.map((session) => (
        <SessionRow
          key={session.id}
          session={session}
          isCurrent={session.id === currentSessionId}
        />
      ))}
    </ul>
  );
}

function SessionRow({ session, isCurrent }: { session: SessionListItem; isCurrent: boolean }) {
  const { formAction, onSubmit, pending } = useFormAction(endSessionAction, { toastErrors: true });
  const name = describeUserAgent(session.userAgent);
  return (
    <li
      className="flex flex-wrap items-start justify-between gap-3 px-4 py-3 text-sm"
      data-testid="session"
    >
      <div className="min-w-0">
        <p className="font-medium" title={session.userAgent ?? undefined}>
          {name} {isCurrent ? <Badge tone="green">This browser</Badge> : null}
        </p>
        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-xs text-zinc-600">
          <dt>Address</dt>
          <dd className="break-all">{session.ip ?? "unknown"}</dd>
          <dt>Signed in</dt>
          <dd>
            <time dateTime={session.createdAt}>{formatDateTime(session.createdAt)}</time>
          </dd>
          <dt>Last seen</dt>
          <dd>
            <time dateTime={session.lastSeenAt}>{formatDateTime(session.lastSeenAt)}</time>
          </dd>
        </dl>
      </div>
      {isCurrent ? null : (
        <form action={formAction} onSubmit={onSubmit}>
          <input type="hidden" name="sessionId" value={session.id} />
          <Button
            type="submit"
            size="sm"
            variant="secondary"
            disabled={pending}
            aria-label={`Sign out ${name}, last seen ${formatDateTime(session.lastSeenAt)}`}
          >
            {pending ? "Signing out…" : "Sign out"}
          </Button>
        </form>
      )}
    </li>
  );
}
