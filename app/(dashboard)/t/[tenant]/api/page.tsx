import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { requireMember } from "@/lib/auth/session";

export const metadata: Metadata = { title: "API" };

type Operation = {
  summary?: string;
  description?: string;
  security?: { rootKey?: string[] }[];
  requestBody?: { content: { "application/json": { schema: unknown } } };
  responses?: Record<string, { description: string }>;
};

const METHOD_TONE = { get: "blue", post: "green", patch: "yellow", delete: "red" } as const;

export default async function ApiPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  await requireMember(tenant);
  const document = buildOpenApiDocument() as {
    info: { description: string };
    paths: Record<string, Record<string, Operation>>;
  };
  return (
    <>
      <PageHeader
        title="API"
        description={
          <>
            {document.info.description} The machine-readable OpenAPI 3.1 document is at{" "}
            <a href="/api/v1/openapi.json" className="font-mono underline">
              /api/v1/openapi.json
            </a>
            . Create root keys in Settings.
          </>
        }
      />
      <div className="space-y-4">
        {Object.entries(document.paths).flatMap(([path, operations]) =>
          Object.entries(operations).map(([method, operation]) => {
            const permission = operation.security?.[0]?.rootKey?.[0];
            const body = operation.requestBody?.content["application/json"].schema;
            return (
              <Card key={`${method} ${path}`} className="space-y-3">
                <h2 className="flex flex-wrap items-center gap-2 text-base font-semibold">
                  <Badge tone={METHOD_TONE[method as keyof typeof METHOD_TONE] ?? "neutral"}>
                    {method.toUpperCase()}
                  </Badge>
                  <code className="font-mono text-sm">{path}</code>
                  <span className="text-zinc-600">— {operation.summary}</span>
                </h2>
                {operation.description ? (
                  <p className="text-sm text-zinc-600">{operation.description}</p>
                ) : null}
                {permission ? (
                  <p className="text-sm">
                    Root key permission: <code className="font-mono">{permission}</code>
                  </p>
                ) : null}
                {body ? (
                  <details>
                    <summary className="cursor-pointer text-sm font-medium">
                      Request body (JSON Schema)
                    </summary>
                    <pre className="mt-2 max-h-96 overflow-auto rounded-md bg-zinc-50 p-3 text-xs">
                      {JSON.stringify(body, null, 2)}
                    </pre>
                  </details>
                ) : null}
                <ul className="text-sm text-zinc-600">
                  {Object.entries(operation.responses ?? {}).map(([status, response]) => (
                    <li key={status}>
                      <code className="font-mono">{status}</code> {response.description}
                    </li>
                  ))}
                </ul>
              </Card>
            );
          }),
        )}
      </div>
    </>
  );
}
