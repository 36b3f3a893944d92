import { z } from "zod";
import { emailSchema, newPasswordSchema } from "@/lib/auth/schemas";
import { recordId, singleLineText } from "@/lib/validation/text";

export const roleSchema = z.enum(["OWNER", "ADMIN", "VIEWER"], { error: "Choose a role." });

export const tenantNameSchema = singleLineText({ error: "Name your organization." })
  .trim()
  .min(2, "Use at least 2 characters.")
  .max(64, "Use at most 64 characters.");

const personNameSchema = singleLineText({ error: "Enter your name." })
  .trim()
  .min(1, "Enter your name.")
  .max(100, "Use at most 100 characters.");

const inviteTokenSchema = singleLineText()
  .trim()
  .min(20)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/);

export const signUpSchema = z
  .object({
    name: personNameSchema,
    email: emailSchema,
    password: newPasswordSchema,
    organization: singleLineText().trim().max(64).optional().default(""),
    invite: z
      .union([inviteTokenSchema, z.literal("")])
      .optional()
      .default(""),
  })
  .superRefine((value, ctx) => {
    if (value.invite) return;
    const parsed = tenantNameSchema.safeParse(value.organization);
    if (!parsed.success) {
      ctx.addIssue({
        code: "custom",
        path: ["organization"],
        message: parsed.error.issues[0]?.message ?? "Name your organization.",
      });
    }
  });
export type SignUpInput = z.output<typeof signUpSchema>;

export const createTenantSchema = z.object({ organization: tenantNameSchema });

export const inviteMemberSchema = z.object({
  email: z
    .union([emailSchema, z.literal("")])
    .optional()
    .default(""),
  role: roleSchema,
  expiresInDays: z.coerce
    .number({ error: "Enter a number of days." })
    .int("Use whole days.")
    .min(1, "At least 1 day.")
    .max(30, "At most 30 days.")
    .default(7),
});
export type InviteMemberInput = z.output<typeof inviteMemberSchema>;

const membershipIdField = recordId("Choose a member.");

export const changeRoleSchema = z.object({
  membershipId: membershipIdField,
  role: roleSchema,
});

export const membershipIdSchema = z.object({ membershipId: membershipIdField });
export const invitationIdSchema = z.object({
  invitationId: recordId("Choose an invitation."),
});
export const acceptInvitationSchema = z.object({ token: inviteTokenSchema });
