// For the browser runtime only: the secrets of a credential, for the page it is about to fill in.
// They are handed out only for one of the credential's own origins, and the secret store remembers
// every value read, so redaction removes them from anything stored or logged afterwards.
import { inspect } from "node:util";
import type { DbTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { revealSecret } from "@/lib/secrets/secret-store";
import { credentialSecretRef } from "./credential-secrets";
import { totp } from "./totp";

export interface ResolvedCredential {
  username: string;
  password: string;
  /** True when a TOTP secret is stored; totp() throws otherwise. */
  hasTotp: boolean;
  /** The current code (RFC 6238, 6 digits, 30 s) from the stored secret. */
  totp(at?: number): string;
}

function originOf(text: string): string | null {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url.origin : null;
  } catch {
    return null;
  }
}

/** `origin` may be the page's whole URL: only its origin is compared. */
export async function resolveCredential(db: DbTx, params: { userId: string; name: string; origin: string }): Promise<ResolvedCredential> {
  const { userId, name } = params;
  const row = await db.credential.findUnique({ where: { userId_name: { userId, name } } });
  if (!row) throw new AppError("NOT_FOUND", { message: `There is no credential named "${name}". Add it on the Credentials page.` });
  const origin = originOf(params.origin);
  if (!origin || !row.origins.includes(origin)) {
    throw new AppError("FORBIDDEN", {
      message: `The credential "${name}" is for ${row.origins.join(", ")}, not ${origin ?? "this page"}; Baton does not fill it in there.`,
    });
  }
  const password = await revealSecret(db, credentialSecretRef(userId, row.passwordSecretName));
  if (password === null) throw new AppError("NOT_FOUND", { message: `The credential "${name}" has no stored password. Set it again on the Credentials page.` });
  const totpSecret = row.totpSecretName ? await revealSecret(db, credentialSecretRef(userId, row.totpSecretName)) : null;
  const resolved: ResolvedCredential = {
    username: row.username,
    password,
    hasTotp: totpSecret !== null,
    totp(at) {
      if (totpSecret === null) throw new AppError("BAD_REQUEST", { message: `The credential "${name}" has no TOTP secret. Add one on the Credentials page.` });
      return totp(totpSecret, { at });
    },
  };
  // Logged or serialized by mistake, it shows what it is without its password.
  const shown = { username: row.username, password: "[redacted]", hasTotp: resolved.hasTotp };
  Object.defineProperties(resolved, {
    toJSON: { value: () => shown },
    [inspect.custom]: { value: () => `ResolvedCredential ${inspect(shown)}` },
  });
  return resolved;
}

export interface ResolvedSshKey {
  privateKey: string;
  hostKey: string;
}

/**
 * For git over SSH only: the user's SSH key credential for the site (`ssh://host:port`), the one
 * named when a name is given. The private key leaves the secret store only here, for one git
 * command, and is remembered for redaction by the store and by ssh-remote.ts.
 */
export async function resolveSshKey(db: DbTx, params: { userId: string; name?: string; site: string }): Promise<ResolvedSshKey> {
  const { userId, name, site } = params;
  const row = await db.credential.findFirst({
    where: { userId, hostKey: { not: null }, origins: { has: site }, ...(name ? { name } : {}) },
    orderBy: { createdAt: "asc" },
  });
  if (!row || row.hostKey === null) {
    throw new AppError("NOT_FOUND", {
      message: name ? `There is no SSH key credential named "${name}" for ${site}. Add one on the Credentials page.` : `There is no SSH key credential for ${site}. Add one on the Credentials page.`,
    });
  }
  const privateKey = await revealSecret(db, credentialSecretRef(userId, row.passwordSecretName));
  if (privateKey === null) throw new AppError("NOT_FOUND", { message: `The credential "${row.name}" has no stored key. Add it again on the Credentials page.` });
  const resolved = { privateKey, hostKey: row.hostKey };
  Object.defineProperties(resolved, {
    toJSON: { value: () => ({ privateKey: "[redacted]", hostKey: row.hostKey }) },
    [inspect.custom]: { value: () => `ResolvedSshKey { hostKey: ${row.hostKey} }` },
  });
  return resolved;
}
