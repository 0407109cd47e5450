import { z } from "zod";
import { passwordSchema } from "./password";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("Enter an email address, like you@example.com.").max(200));

export const signInInput = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(200),
});

export const accountInput = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(80),
  email: emailSchema,
  password: passwordSchema,
});

export const invitationInput = z.object({ email: emailSchema });

export const acceptInvitationInput = z.object({
  token: z.string().min(20).max(100),
  name: z.string().trim().min(1, "Enter your name.").max(80),
  password: passwordSchema,
});

/** Codes are shown as "ABCD-EFGH"; people type them with or without the dash, in any case. */
export const pairingCodeSchema = z
  .string()
  .transform((value) => value.toUpperCase().replace(/[^A-Z0-9]/g, ""))
  .pipe(z.string().length(8, "Enter the 8-character code shown on your signed-in device."));

export const redeemPairingInput = z.object({
  code: pairingCodeSchema,
  deviceName: z.string().trim().max(60).optional(),
});
