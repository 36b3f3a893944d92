import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./openapi";

const API_DIR = path.resolve(import.meta.dirname, "../../app/api/v1");

/** Every route file under app/api/v1, as an OpenAPI path ("[keyId]" → "{keyId}"). */
function routePaths(dir = API_DIR, prefix = "/api/v1"): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === "route.ts") found.push(prefix);
    if (entry.isDirectory() && !entry.name.startsWith("_")) {
      const segment = entry.name.replace(/^\[(.+)\]$/, "{$1}");
      found.push(...routePaths(path.join(dir, entry.name), `${prefix}/${segment}`));
    }
  }
  return found;
}

describe("OpenAPI document", () => {
  const document = buildOpenApiDocument() as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          responses: Record<string, unknown>;
          requestBody?: {
            content: Record<string, { schema: { properties?: Record<string, unknown> } }>;
          };
        }
      >
    >;
  };

  it("is OpenAPI 3.1 and documents every route file under app/api/v1", () => {
    expect(document.openapi).toBe("3.1.0");
    const documented = Object.keys(document.paths);
    const routes = routePaths().filter((p) => p !== "/api/v1/openapi.json");
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes)
      expect(documented, `${route} is not in the OpenAPI document`).toContain(route);
  });

  it("takes request bodies from the routes' zod schemas", () => {
    const create =
      document.paths["/api/v1/keys"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(Object.keys(create?.properties ?? {})).toEqual(
      expect.arrayContaining([
        "name",
        "scopes",
        "expiresAt",
        "rateLimitPerMinute",
        "budgetCents",
        "ipAllowlist",
        "metadata",
      ]),
    );
    const patch =
      document.paths["/api/v1/keys/{keyId}"]?.patch?.requestBody?.content["application/json"]
        ?.schema;
    expect(patch?.properties).not.toHaveProperty("keyId");
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations))
        expect(Object.keys(operation.responses).length).toBeGreaterThan(1);
    }
  });
});
