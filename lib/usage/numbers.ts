/** A count or sum as a driver returns it: int8 as bigint or text, NULL for an empty sum. */
export type Num = number | bigint | string | null;

/** As a JS number; an empty sum (NULL) is 0. Rollup totals stay far below 2^53. */
export const num = (v: Num): number => (v === null ? 0 : Number(v));
