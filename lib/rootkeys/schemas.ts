import { z } from "zod";
import { toList } from "@/lib/keys/schema-fields";
import { recordId, singleLineText } from "@/lib/validation/text";

// Forms for root keys (tenant settings, owners only). Pure, so forms can import it.

export const ROOT_KEY_PERMISSIONS = [
  "keys:verify",
  "keys:read",
  "keys:write",
  "usage:write",
] as const;
export type RootKeyPermission = (typeof ROOT_KEY_PERMISSIONS)[number];

export const ROOT_KEY_PERMISSION_LABELS: Record<RootKeyPermission, string> = {
  "keys:verify": "Verify keys",
  "keys:read": "Read keys",
  "keys:write": "Create, change and revoke keys",
  "usage:write": "Report usage",
};

export function isRootKeyPermission(value: string): value is RootKeyPermission {
  return (ROOT_KEY_PERMISSIONS as readonly string[]).includes(value);
}

export const createRootKeySchema = z.object({
  name: singleLineText({ error: "Name the root key." })
    .trim()
    .min(1, "Name the root key.")
    .max(100, "Use at most 100 characters."),
  // Checkboxes (`permissions[]`) or one comma-separated field.
  permissions: z.preprocess(
    (value) => toList(value) ?? [],
    z
      .array(
        z.enum(ROOT_KEY_PERMISSIONS, {
          error: `Choose from ${ROOT_KEY_PERMISSIONS.join(", ")}.`,
        }),
        { error: "Choose at least one permission." },
      )
      .min(1, "Choose at least one permission.")
      .transform((values) => [...new Set(values)]),
  ),
});
export type CreateRootKeyInput = z.output<typeof createRootKeySchema>;

export const rootKeyIdSchema = z.object({
  rootKeyId: recordId("Choose a root key."),
});
