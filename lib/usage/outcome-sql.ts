import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { DENIAL_OUTCOMES } from "./analytics-types";

/** The denial outcomes as an SQL list, for `"outcome" IN (…)` in the usage queries. */
export const DENIAL_OUTCOMES_SQL = Prisma.raw(DENIAL_OUTCOMES.map((o) => `'${o}'`).join(", "));
