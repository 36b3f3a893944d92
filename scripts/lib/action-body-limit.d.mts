import type { IncomingMessage, ServerResponse } from "node:http";

export const ACTION_BODY_LIMIT_BYTES: number;
export const FORM_TOO_LARGE_MESSAGE: string;
export function refuseOversizedAction(
  req: IncomingMessage,
  res: ServerResponse,
  limit?: number,
): boolean;
