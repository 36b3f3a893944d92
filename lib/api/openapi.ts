import { z } from "zod";
import {
  revokeKeySchema,
  rollKeySchema,
  updateKeySchema,
  createKeySchema,
} from "@/lib/keys/schemas";

// The OpenAPI 3.1 description of /api/v1, generated from the same zod schemas the
// routes validate with, so the document cannot drift from what the server accepts.
// OpenAPI 3.1 uses JSON Schema 2020-12, which is what zod emits.

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, omit: string[] = []): JsonSchema {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  delete json.$schema;
  const properties = json.properties as Record<string, unknown> | undefined;
  if (properties) for (const key of omit) delete properties[key];
  if (Array.isArray(json.required))
    json.required = json.required.filter((k: string) => !omit.includes(k));
  return json;
}

const errorSchema: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: {
          type: "string",
          enum: [
            "BAD_REQUEST",
            "UNAUTHORIZED",
            "FORBIDDEN",
            "NOT_FOUND",
            "CONFLICT",
            "RATE_LIMITED",
            "UNAVAILABLE",
            "INTERNAL",
          ],
        },
        message: { type: "string" },
        fields: {
          type: "object",
          additionalProperties: { type: "array", items: { type: "string" } },
        },
      },
    },
  },
};

const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description:
          {
            400: "Malformed JSON, a wrong field (named in the message), or a body over 16 KB",
            401: "Missing, unknown or revoked root key",
            403: "The root key lacks the permission",
            404: "No such key in this tenant",
            429: "Too many unknown keys from this caller",
            503: "The database cannot be reached",
          }[status] ?? "Error",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    ]),
  );

const keyIdParameter = { name: "keyId", in: "path", required: true, schema: { type: "string" } };

function json(schema: JsonSchema) {
  return { required: true, content: { "application/json": { schema } } };
}

function ok(description: string, schema: JsonSchema = { type: "object" }) {
  return { description, content: { "application/json": { schema } } };
}

export type OpenApiExtension = {
  paths: Record<string, unknown>;
  schemas?: Record<string, JsonSchema>;
};

const extensions: OpenApiExtension[] = [];

/** Other route groups (verification, usage) add their paths here at module load. */
export function registerOpenApiPaths(extension: OpenApiExtension): void {
  extensions.push(extension);
}

export function buildOpenApiDocument(): Record<string, unknown> {
  const keyResponse = { type: "object", properties: { key: { $ref: "#/components/schemas/Key" } } };
  const paths: Record<string, unknown> = {
    "/api/v1/keys": {
      get: {
        summary: "List keys",
        description:
          "Server-side pagination, sorting and filters; the same parameters as the dashboard's table.",
        security: [{ rootKey: ["keys:read"] }],
        parameters: [
          "page",
          "pageSize",
          "sort",
          "dir",
          "q",
          "status",
          "tag",
          "scope",
          "expiringWithinDays",
          "overBudget80",
          "unusedForDays",
        ].map((name) => ({ name, in: "query", required: false, schema: { type: "string" } })),
        responses: { "200": ok("A page of keys"), ...errors(401, 403, 503) },
      },
      post: {
        summary: "Create a key",
        description: "The response holds the plaintext key; it is never shown again.",
        security: [{ rootKey: ["keys:write"] }],
        requestBody: json(schemaOf(createKeySchema)),
        responses: {
          "201": ok("The key and its plaintext", {
            type: "object",
            properties: {
              key: { $ref: "#/components/schemas/Key" },
              plaintext: { type: "string" },
            },
          }),
          ...errors(400, 401, 403, 503),
        },
      },
    },
    "/api/v1/keys/{keyId}": {
      get: {
        summary: "Get a key",
        security: [{ rootKey: ["keys:read"] }],
        parameters: [keyIdParameter],
        responses: { "200": ok("The key", keyResponse), ...errors(401, 403, 404, 503) },
      },
      patch: {
        summary: "Update a key",
        description: "Absent fields stay as they are; an empty value clears a setting.",
        security: [{ rootKey: ["keys:write"] }],
        parameters: [keyIdParameter],
        requestBody: json(schemaOf(updateKeySchema, ["keyId"])),
        responses: {
          "200": ok("The updated key", keyResponse),
          ...errors(400, 401, 403, 404, 503),
        },
      },
    },
    "/api/v1/keys/{keyId}/revoke": {
      post: {
        summary: "Revoke a key (irreversible)",
        security: [{ rootKey: ["keys:write"] }],
        parameters: [keyIdParameter],
        requestBody: json(schemaOf(revokeKeySchema, ["keyId"])),
        responses: {
          "200": ok("The revoked key", keyResponse),
          ...errors(400, 401, 403, 404, 503),
        },
      },
    },
    "/api/v1/keys/{keyId}/roll": {
      post: {
        summary: "Roll a key's secret",
        description:
          "A new secret for the same key; the old one keeps working for the grace period.",
        security: [{ rootKey: ["keys:write"] }],
        parameters: [keyIdParameter],
        requestBody: json(schemaOf(rollKeySchema, ["keyId"])),
        responses: {
          "200": ok("The key and its new plaintext"),
          ...errors(400, 401, 403, 404, 503),
        },
      },
    },
    "/api/v1/keys/{keyId}/suspend": {
      post: {
        summary: "Suspend a key",
        security: [{ rootKey: ["keys:write"] }],
        parameters: [keyIdParameter],
        responses: { "200": ok("The suspended key", keyResponse), ...errors(401, 403, 404, 503) },
      },
    },
    "/api/v1/keys/{keyId}/reactivate": {
      post: {
        summary: "Reactivate a suspended key",
        security: [{ rootKey: ["keys:write"] }],
        parameters: [keyIdParameter],
        responses: { "200": ok("The reactivated key", keyResponse), ...errors(401, 403, 404, 503) },
      },
    },
  };
  const schemas: Record<string, JsonSchema> = {
    Error: errorSchema,
    Key: { type: "object", description: "A key's settings and state; never its secret or hash." },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Keyplane API",
      version: "1",
      description:
        "Verify API keys, report usage and manage keys. Authenticate with a root key: `Authorization: Bearer <root key>`.",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        rootKey: { type: "http", scheme: "bearer", description: "A root key created in Settings" },
      },
      schemas,
    },
    paths,
  };
}
