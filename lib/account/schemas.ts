import { z } from "zod";
import { newPasswordSchema } from "@/lib/auth/schemas";

/** The change-password form; the form and its action share it, and the action re-parses. */
export const changePasswordSchema = z
  .object({
    currentPassword: z
      .string({ error: "Enter your current password." })
      .min(1, "Enter your current password.")
      .max(256, "That is not your current password."),
    // The same rules as at sign-up.
    newPassword: newPasswordSchema,
    confirmPassword: z
      .string({ error: "Repeat the new password." })
      .min(1, "Repeat the new password."),
  })
  .superRefine((value, ctx) => {
    if (value.confirmPassword && value.confirmPassword !== value.newPassword) {
      ctx.addIssue({
        code: "custom",
        path: ["confirmPassword"],
        message: "This does not match the new password.",
      });
    }
    if (value.currentPassword && value.newPassword === value.currentPassword) {
      ctx.addIssue({
        code: "custom",
        path: ["newPassword"],
        message: "Choose a password different from the current one.",
      });
    }
  });

export type ChangePasswordInput = z.output<typeof changePasswordSchema>;

/** Session ids are cuids; anything else cannot name a session and is refused as such. */
export const endSessionSchema = z.object({
  sessionId: z
    .string({ error: "Choose a session." })
    .regex(/^[a-z0-9]{1,64}$/, "That is not a session of yours."),
});

export const noInputSchema = z.object({});
