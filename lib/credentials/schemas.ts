// What the Credentials page and /api/credentials accept. Messages never quote the password or the
// TOTP secret: field errors travel back to the browser and into logs.
import { z } from "zod";
import { titleSchema } from "@/lib/validation/input";
import { checkHostKey, checkPrivateKey, normalizeSshSite } from "./ssh-key";
import { normalizeTotpSecret } from "./totp";

export const MAX_ORIGINS = 20;

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** A form sends one text (one origin a line, or separated by commas); JSON sends a list. */
const originList = (value: unknown) => (typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : value);

export const credentialNameSchema = z
  .string({ message: "Give it a short name, e.g. billing-portal." })
  .trim()
  .min(1, "Give it a short name, e.g. billing-portal.")
  .max(60, "Keep the name under 60 characters.")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lower-case letters, digits and single hyphens, e.g. billing-portal.");

const MAX_ORIGIN_CHARS = 300;

/** Enough of what was typed to find the line: never a pasted page, nor what precedes an @ (it may be a password). */
function quoted(text: string): string {
  const shown = text.replace(/\/\/[^/?#]*@/, "//…@");
  return `"${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}"`;
}

/** "https://Billing.Example.com:443/" -> "https://billing.example.com"; a reason it is not one otherwise. */
export function normalizeOrigin(text: string): { origin: string } | { problem: string } {
  if (text.length > MAX_ORIGIN_CHARS) return { problem: `A site's address is shorter than ${MAX_ORIGIN_CHARS} characters.` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `${quoted(text)} is not a web address; enter it like https://billing.example.com.` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { problem: `${quoted(text)} is not an http(s) address.` };
  if (url.username || url.password) return { problem: `An address with a user name or password in it is refused; enter just ${url.origin}.` };
  if (url.pathname !== "/" || url.search || url.hash || /[?#]/.test(text)) {
    return { problem: `${quoted(text)} has a path or query; enter just ${url.origin}.` };
  }
  return { origin: url.origin };
}

export const originsSchema = z.preprocess(
  originList,
  z
    .array(z.string(), { message: "List the sites it is for, e.g. https://billing.example.com." })
    .min(1, "List the sites it is for, e.g. https://billing.example.com.")
    .transform((entries, context) => {
      if (entries.length > MAX_ORIGINS) {
        context.addIssue({ code: "custom", message: `At most ${MAX_ORIGINS} sites per credential.` });
        return [];
      }
      const origins = new Set<string>();
      for (const entry of entries) {
        const result = normalizeOrigin(entry.trim());
        if ("problem" in result) context.addIssue({ code: "custom", message: result.problem });
        else origins.add(result.origin);
      }
      return [...origins];
    }),
);

const username = z
  .string({ message: "Enter the user name (or email) you sign in with." })
  .trim()
  .min(1, "Enter the user name (or email) you sign in with.")
  .max(320, "Keep the user name under 320 characters.");

// Passwords are kept exactly as typed: spaces at either end may be part of one.
const password = z.string().max(1000, "Keep the password under 1,000 characters.");

/** Base32 as authenticator apps show it ("JBSW Y3DP …", any case); stored normalized. */
const totpSecret = z
  .string()
  .transform((value, context) => {
    const normalized = normalizeTotpSecret(value);
    if (!normalized) context.addIssue({ code: "custom", message: "That is not a TOTP secret: it is the base32 key (letters A-Z and digits 2-7) shown under the QR code." });
    return normalized ?? "";
  });

const credentialFields = {
  name: credentialNameSchema,
  label: titleSchema("credential"),
  origins: originsSchema,
  username,
};

export const createCredentialInput = z.object({
  ...credentialFields,
  password: z.preprocess(blankToUndefined, z.string({ message: "Enter the password." }).pipe(password)),
  totpSecret: z.preprocess(blankToUndefined, totpSecret.optional()),
});
export type CreateCredentialInput = z.infer<typeof createCredentialInput>;

/**
 * An edit replaces the shown fields. The page never shows the password or TOTP secret, so it
 * cannot send them back: blank keeps the stored one; `removeTotp` drops the TOTP secret.
 */
export const updateCredentialInput = z.object({
  ...credentialFields,
  password: z.preprocess(blankToUndefined, password.optional()),
  totpSecret: z.preprocess(blankToUndefined, totpSecret.optional()),
  removeTotp: z.preprocess((value) => value === "on" || value === "true" || value === true, z.boolean()),
});
export type UpdateCredentialInput = z.infer<typeof updateCredentialInput>;

/** An SSH key credential (git over SSH): the private key is sealed like a password; the host key is public. */
export const createSshKeyCredentialInput = z.object({
  name: credentialNameSchema,
  label: titleSchema("credential"),
  site: z.string({ message: "Give the SSH server, e.g. ssh://git.example.com." }).transform((value, context) => {
    const result = normalizeSshSite(value);
    if ("problem" in result) context.addIssue({ code: "custom", message: result.problem });
    return "site" in result ? result.site : "";
  }),
  privateKey: z
    .string({ message: "Paste the private key." })
    .max(20_000, "That is longer than any SSH private key.")
    .transform((value, context) => {
      const result = checkPrivateKey(value);
      if ("problem" in result) context.addIssue({ code: "custom", message: result.problem });
      return "key" in result ? result.key : "";
    }),
  hostKey: z
    .string({ message: "Give the server's host key." })
    .max(20_000, "That is longer than any host key line.")
    .transform((value, context) => {
      const result = checkHostKey(value);
      if ("problem" in result) context.addIssue({ code: "custom", message: result.problem });
      return "hostKey" in result ? result.hostKey : "";
    }),
});
export type CreateSshKeyCredentialInput = z.infer<typeof createSshKeyCredentialInput>;
