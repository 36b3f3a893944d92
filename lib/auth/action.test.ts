import { describe, expect, it } from "vitest";
import { z } from "zod";
import { inviteMemberSchema } from "@/lib/tenants/schemas";
import { payloadToObject, zodErrorState } from "./action";

describe("payloadToObject", () => {
  it("turns repeated `x[]` fields into an array under `x`", () => {
    const form = new FormData();
    form.append("name", "Billing");
    form.append("scopes[]", "orders:read");
    form.append("scopes[]", "orders:write");
    form.append("tags[]", "prod");
    expect(payloadToObject(form)).toEqual({
      name: "Billing",
      scopes: ["orders:read", "orders:write"],
      tags: ["prod"],
    });
  });

  it("skips the fields React adds for server actions", () => {
    const form = new FormData();
    form.append("$ACTION_ID_0123abcd", "");
    form.append("$ACTION_REF_1", "");
    form.append("$ACTION_1:0", "{}");
    form.append("tenant", "acme");
    expect(payloadToObject(form)).toEqual({ tenant: "acme" });
  });

  it("keeps the last value of a repeated plain field and uses a file's name", () => {
    const form = new FormData();
    form.append("role", "VIEWER");
    form.append("role", "OWNER");
    form.append("upload", new File(["data"], "keys.csv"));
    expect(payloadToObject(form)).toEqual({ role: "OWNER", upload: "keys.csv" });
  });

  it("passes a plain object through unchanged", () => {
    const plain = { tenant: "acme", "scopes[]": ["a"] };
    expect(payloadToObject(plain)).toBe(plain);
  });
});

describe("zodErrorState", () => {
  it("maps field errors to their fields", () => {
    const result = inviteMemberSchema.safeParse({
      email: "nope",
      role: "BOSS",
      expiresInDays: "0",
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    const state = zodErrorState(result.error);
    expect(state).toEqual({
      status: "error",
      message: "Check the highlighted fields.",
      fieldErrors: {
        email: ["Enter a valid email address."],
        role: ["Choose a role."],
        expiresInDays: ["At least 1 day."],
      },
    });
  });

  it("uses a form-level error as the message", () => {
    const schema = z
      .object({ from: z.number(), to: z.number() })
      .refine((v) => v.from < v.to, { message: "The range is empty." });
    const result = schema.safeParse({ from: 5, to: 1 });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(zodErrorState(result.error)).toEqual({
      status: "error",
      message: "The range is empty.",
      fieldErrors: {},
    });
  });
});
