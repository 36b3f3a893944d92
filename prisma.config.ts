import path from "node:path";
import { defineConfig, type PrismaConfig } from "prisma/config";

type MigrationAdapter = Awaited<
  ReturnType<NonNullable<Extract<PrismaConfig, { engine: "js" }>["adapter"]>>
>;

// The CLI migrates the same database the app opens: the PostgreSQL in
// DATABASE_URL, or the embedded PGlite directory when none is configured.
const EMBEDDED_HOST = "embedded.invalid";

function isEmbedded(): boolean {
  const url = process.env.DATABASE_URL;
  return !url || url.includes(EMBEDDED_HOST);
}

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  engine: "js",
  experimental: { adapter: true },
  async adapter() {
    if (isEmbedded()) {
      const { PGlite } = await import("@electric-sql/pglite");
      const { PrismaPGlite } = await import("pglite-prisma-adapter");
      // Commands that need no database (migrate diff, generate) still build the
      // adapter; give them a throwaway in-memory one instead of touching .data/.
      if (process.env.KEYPLANE_PRISMA_NO_DB === "1")
        return new PrismaPGlite(new PGlite("memory://")) as unknown as MigrationAdapter;
      const dir = process.env.KEYPLANE_DATA_DIR ?? path.join(process.cwd(), ".data");
      // Same adapter-interface version skew as in lib/db/client.ts.
      return new PrismaPGlite(new PGlite(path.join(dir, "pglite"))) as unknown as MigrationAdapter;
    }
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
