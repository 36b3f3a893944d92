import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/testing/database";

const database = setupTestDatabase();

describe("test database", () => {
  it("is migrated and isolated", async () => {
    const { client } = database();
    const tenant = await client.tenant.create({ data: { slug: "acme", name: "Acme" } });
    expect(tenant.keyPrefix).toBe("kp");
    await expect(client.tenant.count()).resolves.toBe(1);
    const inTx = await client.$transaction(async (tx) => {
      await tx.tenant.create({ data: { slug: "beta", name: "Beta" } });
      return tx.tenant.count();
    });
    expect(inTx).toBe(2);
  });
});
