// The one place Baton keeps secrets: model API keys, its own generated keys, later portal
// credentials. Each value is sealed with AES-256-GCM (a random IV per value, the owner and name as
// associated data, so a row copied onto another cannot be opened) under a key from ./keyring, whose
// id is stored beside it. The UI can set, delete and see a hint; only the runtime that uses a
// secret reads it, and every value read or written is remembered for redaction.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { DbTx } from "@/lib/db";
import { rememberSecret } from "@/lib/redact";
import { keyFilePath, keyring, SecretKeyError, type Keyring } from "./keyring";

export type SecretOwner = { scope: "instance" } | { scope: "user"; userId: string };

export const INSTANCE: SecretOwner = { scope: "instance" };

export interface SecretRef {
  owner: SecretOwner;
  name: string;
}

export interface SealedSecret {
  keyId: string;
  iv: Uint8Array<ArrayBuffer>;
  ciphertext: Uint8Array<ArrayBuffer>;
  authTag: Uint8Array<ArrayBuffer>;
}

const ownerKeyOf = (owner: SecretOwner) => (owner.scope === "instance" ? "instance" : `user:${owner.userId}`);
const where = (ref: SecretRef) => ({ ownerKey_name: { ownerKey: ownerKeyOf(ref.owner), name: ref.name } });
const aad = (ownerKey: string, name: string) => Buffer.from(`${ownerKey}\n${name}`, "utf8");

export function seal(ring: Keyring, ownerKey: string, name: string, value: string): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv);
  cipher.setAAD(aad(ownerKey, name));
  const ciphertext = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  // Copies into plain Uint8Arrays: the shape Prisma reads and writes for Bytes.
  return { keyId: ring.current.id, iv: new Uint8Array(iv), ciphertext: new Uint8Array(ciphertext), authTag: new Uint8Array(cipher.getAuthTag()) };
}

export function open(ring: Keyring, ownerKey: string, name: string, sealed: SealedSecret): string {
  const key = ring.byId.get(sealed.keyId);
  if (!key) {
    throw new SecretKeyError(
      `The stored secret "${name}" was encrypted with key ${sealed.keyId}, which this process does not have (it has ${[...ring.byId.keys()].join(", ")}). ` +
        `Give every Baton process the key it was stored with: set BATON_SECRET_KEY to it, or restore ${keyFilePath()}. ` +
        "If you are rotating keys, pass the old key as BATON_SECRET_KEY_PREVIOUS and run npm run secrets:rotate.",
    );
  }
  const decipher = createDecipheriv("aes-256-gcm", key.key, sealed.iv);
  decipher.setAAD(aad(ownerKey, name));
  decipher.setAuthTag(sealed.authTag);
  try {
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretKeyError(`The stored secret "${name}" failed its integrity check: it was changed in the database. Set it again (model keys on the Models page).`);
  }
}

/** "sk-…1234": enough to recognise a key, too little to use it. */
export function secretHint(value: string): string {
  const prefix = /^[A-Za-z]{2,4}-/.exec(value)?.[0] ?? "";
  return value.length >= 12 ? `${prefix}…${value.slice(-4)}` : `${prefix}…`;
}

export async function setSecret(db: DbTx, ref: SecretRef & { kind: string; value: string; hint?: string }): Promise<{ hint: string }> {
  rememberSecret(ref.value);
  const ownerKey = ownerKeyOf(ref.owner);
  const hint = ref.hint ?? secretHint(ref.value);
  const data = { ...seal(keyring(), ownerKey, ref.name, ref.value), kind: ref.kind, hint };
  await db.storedSecret.upsert({
    where: where(ref),
    create: { ...data, ownerKey, name: ref.name, userId: ref.owner.scope === "user" ? ref.owner.userId : null },
    update: data,
  });
  return { hint };
}

/** Stores the value unless one is stored already (two processes generating at once agree). */
export async function setSecretIfAbsent(db: DbTx, ref: SecretRef & { kind: string; value: string; hint?: string }): Promise<void> {
  const ownerKey = ownerKeyOf(ref.owner);
  const sealed = seal(keyring(), ownerKey, ref.name, ref.value);
  await db.storedSecret.createMany({
    data: [{ ...sealed, ownerKey, name: ref.name, kind: ref.kind, hint: ref.hint ?? secretHint(ref.value), userId: ref.owner.scope === "user" ? ref.owner.userId : null }],
    skipDuplicates: true,
  });
}

export async function deleteSecret(db: DbTx, ref: SecretRef): Promise<void> {
  await db.storedSecret.deleteMany({ where: { ownerKey: ownerKeyOf(ref.owner), name: ref.name } });
}

/** What the UI shows of a secret: its hint, never the value. */
export async function findSecretHint(db: DbTx, ref: SecretRef): Promise<string | null> {
  const row = await db.storedSecret.findUnique({ where: where(ref), select: { hint: true } });
  return row?.hint ?? null;
}

/** The plaintext, for the runtime that uses it (a model client, the session signer); never for a response. */
export async function revealSecret(db: DbTx, ref: SecretRef): Promise<string | null> {
  const row = await db.storedSecret.findUnique({ where: where(ref) });
  if (!row) return null;
  const value = open(keyring(), row.ownerKey, row.name, row);
  rememberSecret(value);
  return value;
}

/** Re-seals every value not under the keyring's current key; each row is checked before it is rewritten. */
export async function reencryptSecrets(db: DbTx, ring: Keyring): Promise<{ rewritten: number; total: number }> {
  const rows = await db.storedSecret.findMany();
  let rewritten = 0;
  for (const row of rows) {
    if (row.keyId === ring.current.id) continue;
    const value = open(ring, row.ownerKey, row.name, row);
    const sealed = seal(ring, row.ownerKey, row.name, value);
    // Conditional on the key id read: a concurrent rewrite is not overwritten with older bytes.
    const { count } = await db.storedSecret.updateMany({ where: { id: row.id, keyId: row.keyId }, data: sealed });
    rewritten += count;
  }
  return { rewritten, total: rows.length };
}

/** Fails early, with what to do, when stored secrets were sealed with a key this process lacks. */
export async function assertSecretsReadable(db: DbTx): Promise<void> {
  const ring = keyring();
  const row = await db.storedSecret.findFirst({ where: { keyId: { notIn: [...ring.byId.keys()] } } });
  if (row) open(ring, row.ownerKey, row.name, row);
}
