import { Badge } from "@/components/ui/badge";
import { Table } from "@/components/ui/table";
import type { RootKeyRow } from "@/lib/rootkeys/data";
import { formatDateTime, formatDay } from "./format";
import { RevokeRootKeyButton } from "./revoke-root-key-button";

const COLUMNS = [
  ...["Name", "Key", "Permissions", "Created", "Last used", "Status"].map((label) => ({ label })),
  { label: "Actions", srOnly: true },
];

export function RootKeysTable({ tenant, rootKeys }: { tenant: string; rootKeys: RootKeyRow[] }) {
  if (rootKeys.length === 0) {
    return (
      <p className="rounded-md border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-600">
        No root keys yet. Create one for each service that verifies keys or manages them through the
        API.
      </p>
    );
  }
  return (
    <Table
      caption="Root keys"
      columns={COLUMNS}
      frameClassName="rounded-md border border-zinc-200"
      headClassName="whitespace-nowrap"
    >
      {rootKeys.map((rootKey) => {
        const isRevoked = rootKey.revokedAt !== null;
        return (
          <tr
            key={rootKey.id}
            data-testid={`rootkey-${rootKey.id}`}
            className={isRevoked ? "align-top text-zinc-500" : "align-top"}
          >
            <th scope="row" className="px-4 py-2 text-left font-medium">
              <span className="break-words">{rootKey.name}</span>
              {rootKey.createdBy ? (
                <span className="block text-xs font-normal text-zinc-500">
                  by {rootKey.createdBy}
                </span>
              ) : null}
            </th>
            <td className="whitespace-nowrap px-4 py-2 font-mono text-xs">{rootKey.display}</td>
            <td className="px-4 py-2">
              <ul className="flex flex-wrap gap-1" aria-label="Permissions">
                {rootKey.permissions.map((permission) => (
                  <li key={permission}>
                    <Badge tone="blue">{permission}</Badge>
                  </li>
                ))}
              </ul>
            </td>
            <td className="whitespace-nowrap px-4 py-2">
              <time dateTime={rootKey.createdAt.toISOString()}>{formatDay(rootKey.createdAt)}</time>
            </td>
            <td className="whitespace-nowrap px-4 py-2">{formatDateTime(rootKey.lastUsedAt)}</td>
            <td className="whitespace-nowrap px-4 py-2">
              {isRevoked ? (
                <span title={`Revoked ${formatDateTime(rootKey.revokedAt)}`}>
                  <Badge tone="red">Revoked</Badge>
                </span>
              ) : (
                <Badge tone="green">Active</Badge>
              )}
            </td>
            <td className="px-4 py-2 text-right">
              <RevokeRootKeyButton
                tenant={tenant}
                rootKeyId={rootKey.id}
                name={rootKey.name}
                isRevoked={isRevoked}
              />
            </td>
          </tr>
        );
      })}
    </Table>
  );
}
