import { handleApi } from "@/lib/api/handle";
import { readJsonObject } from "@/lib/api/http";
import { fieldErrors, json, zodError } from "@/lib/api/responses";
import { authenticateApiRequest } from "@/lib/api/root-context";
import { createKey, listKeys } from "@/lib/keys/data";
import { listKeysQueryProblems, parseListKeysQuery } from "@/lib/keys/list-query";
import { createKeySchema } from "@/lib/keys/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Lists the tenant's keys: the same query parameters as the dashboard's table. The table
 * falls back to a default for a bad parameter (a URL is hand-edited); a program gets a
 * 400 naming it instead, so a typo is not mistaken for "no filter".
 */
export async function GET(request: Request) {
  return handleApi(async () => {
    const auth = await authenticateApiRequest(request, "keys:read");
    if (!auth.ok) return auth.response;
    const params = new URL(request.url).searchParams;
    const problems = listKeysQueryProblems(params);
    if (Object.keys(problems).length > 0) return fieldErrors(problems);
    const query = parseListKeysQuery(params);
    const page = await listKeys(auth.ctx, query);
    return json({
      keys: page.rows,
      page: page.page,
      pageSize: page.pageSize,
      total: page.total,
      totalIsCapped: page.totalIsCapped,
    });
  });
}

/** Creates a key. The response is the only time its plaintext leaves the server. */
export async function POST(request: Request) {
  return handleApi(async () => {
    const auth = await authenticateApiRequest(request, "keys:write");
    if (!auth.ok) return auth.response;
    const body = await readJsonObject(request);
    if (!body.ok) return body.response;
    const parsed = createKeySchema.safeParse(body.data);
    if (!parsed.success) return zodError(parsed.error);
    const { key, plaintext } = await createKey(auth.ctx, parsed.data);
    return json({ key, plaintext }, 201);
  });
}
