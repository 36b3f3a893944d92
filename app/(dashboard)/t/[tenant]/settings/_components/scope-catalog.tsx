import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { AddScopeForm } from "./add-scope-form";
import { ScopeDescription } from "./scope-description";
import { ScopeStatusAction } from "./scope-status-action";

const COLUMNS = [
  { label: "Scope" },
  { label: "Description", className: "w-full px-4 py-2" },
  { label: "Status" },
  { label: "Actions", srOnly: true },
];

export type ScopeItem = { id: string; name: string; description: string; isRetired: boolean };

export function ScopeCatalog({ tenant, scopes }: { tenant: string; scopes: ScopeItem[] }) {
  return (
    <div className="space-y-6">
      {scopes.length === 0 ? (
        <EmptyState title="No scopes yet">
          Add the scopes your services check, such as <code>orders:read</code>. Keys can then be
          limited to some of them.
        </EmptyState>
      ) : (
        <Table
          caption="Scopes"
          columns={COLUMNS}
          frameClassName="rounded-md border border-zinc-200"
        >
          {scopes.map((scope) => (
            <tr key={scope.id} data-testid={`scope-${scope.name}`} className="align-top">
              <th scope="row" className="whitespace-nowrap px-4 py-2 text-left">
                <code className="font-mono text-sm font-medium">{scope.name}</code>
              </th>
              <td className="min-w-48 px-4 py-2 text-zinc-700">
                <ScopeDescription
                  tenant={tenant}
                  scopeId={scope.id}
                  name={scope.name}
                  description={scope.description}
                />
              </td>
              <td className="px-4 py-2">
                {scope.isRetired ? <Badge>Retired</Badge> : <Badge tone="green">Active</Badge>}
              </td>
              <td className="px-4 py-2 text-right">
                <ScopeStatusAction
                  tenant={tenant}
                  scopeId={scope.id}
                  name={scope.name}
                  isRetired={scope.isRetired}
                />
              </td>
            </tr>
          ))}
        </Table>
      )}
      <AddScopeForm tenant={tenant} />
    </div>
  );
}
