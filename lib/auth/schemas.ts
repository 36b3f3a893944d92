import { z } from "zod";
import { singleLineText } from "@/lib/validation/text";

export const emailSchema = singleLineText({ error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email({ error: "Enter a valid email address." }));

// Passwords are never stored or shown (only their hash is), so any character is allowed:
// refusing one would lock out whoever chose it.
export const newPasswordSchema = z
  .string({ error: "Choose a password." })
  .min(10, "Use at least 10 characters.")
  .max(256, "Use at most 256 characters.");

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(256),
});
