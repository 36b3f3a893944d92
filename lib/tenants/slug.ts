import { randomBytes } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";

/** A URL-safe slug from an organization name: lower-case letters, digits and dashes. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return slug.length >= 2 ? slug : "org";
}

export async function uniqueSlug(tx: Prisma.TransactionClient, name: string): Promise<string> {
  const base = slugify(name);
  if (!(await tx.tenant.findUnique({ where: { slug: base }, select: { id: true } }))) return base;
  for (let attempt = 0; attempt < 5; attempt++) {
    const candidate = `${base}-${randomBytes(3).toString("hex")}`;
    if (!(await tx.tenant.findUnique({ where: { slug: candidate }, select: { id: true } }))) {
      return candidate;
    }
  }
  throw new Error("Could not find a free slug");
}
