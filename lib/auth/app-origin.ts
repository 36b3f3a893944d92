import "server-only";
import { headers } from "next/headers";

/**
 * The origin the dashboard is served on, as next-auth sees it: NEXTAUTH_URL when it is
 * set (as it should be in production), otherwise the host this request came in on.
 * It decides only which absolute destinations count as this app's own; whatever it
 * says, safeCallbackPath answers a path, so a forged Host header cannot send anyone to
 * another origin.
 */
export async function appOrigin(): Promise<string> {
  const configured = process.env.NEXTAUTH_URL?.trim();
  if (configured && URL.canParse(configured)) return new URL(configured).origin;
  const host = (await headers()).get("host");
  const fromHost = host ? `http://${host}` : "";
  return URL.canParse(fromHost) ? new URL(fromHost).origin : "http://localhost";
}
