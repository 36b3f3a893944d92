import { z } from "zod";
import {
  createKeySchema,
  revokeKeySchema,
  rollKeySchema,
  updateKeySchema,
} from "@/lib/keys/schemas";
import { VERIFY_CODES } from "@/lib/verify/result";
import { usageBodySchema, verifyBodySchema } from "./schemas";

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
            "TOO_MANY_REQUESTS",
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
            400: "Malformed JSON, a wrong field or parameter (named in the message), or a body over 16 KB",
            401: "Missing, unknown or revoked root key",
            403: "The root key lacks the permission",
            404: "No such key in this tenant",
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
    "/api/v1/keys/verify": {
      post: {
        summary: "Verify a key",
        description:
          "Checks, in order: format and checksum, lookup, revoked/suspended, expiry, IP, endpoint and resource, scopes, rate limits (all windows or none), budget (reserves `cost` atomically). Every outcome answers 200; a key of another tenant is NOT_FOUND.",
        security: [{ rootKey: ["keys:verify"] }],
        requestBody: json(schemaOf(verifyBodySchema)),
        responses: {
          "200": ok("The outcome", { $ref: "#/components/schemas/VerifyResult" }),
          ...errors(400, 401, 403, 503),
        },
      },
    },
    "/api/v1/usage": {
      post: {
        summary: "Report usage",
        description:
          "Records tokens and the actual cost of a verified call and settles its reservation. The same requestId counts once.",
        security: [{ rootKey: ["usage:write"] }],
        requestBody: json(schemaOf(usageBodySchema)),
        responses: {
          "200": ok("Whether this report was recorded (false for a repeated requestId)", {
            type: "object",
            properties: { recorded: { type: "boolean" } },
          }),
          ...errors(400, 401, 403, 404, 503),
        },
      },
    },
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
        responses: { "200": ok("A page of keys"), ...errors(400, 401, 403, 503) },
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
        responses: { "200": ok("The key", keyResponse), ...errors(400, 401, 403, 404, 503) },
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
        responses: {
          "200": ok("The suspended key", keyResponse),
          ...errors(400, 401, 403, 404, 503),
        },
      },
    },
    "/api/v1/keys/{keyId}/reactivate": {
      post: {
        summary: "Reactivate a suspended key",
        security: [{ rootKey: ["keys:write"] }],
        parameters: [keyIdParameter],
        responses: {
          "200": ok("The reactivated key", keyResponse),
          ...errors(400, 401, 403, 404, 503),
        },
      },
    },
  };
  const schemas: Record<string, JsonSchema> = {
    Error: errorSchema,
    Key: { type: "object", description: "A key's settings and state; never its secret or hash." },
    VerifyResult: {
      type: "object",
      required: ["valid", "code", "requestId"],
      properties: {
        valid: { type: "boolean" },
        code: { type: "string", enum: [...VERIFY_CODES] },
        requestId: {
          type: "string",
          description: "Pass it to POST /api/v1/usage to settle this call's reservation.",
        },
        keyId: { type: "string" },
        name: { type: "string" },
        scopes: { type: "array", items: { type: "string" } },
        expiresAt: { type: ["string", "null"], format: "date-time" },
        budget: {
          type: "object",
          properties: {
            limitCents: { type: "integer" },
            remainingCents: { type: "integer" },
            period: { enum: ["TOTAL", "MONTHLY"] },
          },
        },
        ratelimits: {
          type: "array",
          items: {
            type: "object",
            properties: {
              window: { enum: ["minute", "hour", "day"] },
              limit: { type: "integer" },
              remaining: { type: "integer" },
              resetAt: { type: "string", format: "date-time" },
            },
          },
        },
        meta: { type: ["object", "null"] },
      },
    },
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
