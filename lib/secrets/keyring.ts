// The keys the secret store seals with. They are never in the database: BATON_SECRET_KEY (with
// BATON_SECRET_KEY_PREVIOUS while rotating), or else a key file beside, not inside, the embedded
// Postgres data folder, made on first start. The web server and the workers must hold the same
// key; on one machine they share the file, across machines BATON_SECRET_KEY must be set.
import { createHash, randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export interface SecretKey {
  /** A fingerprint stored beside each sealed value; it reveals nothing about the key. */
  id: string;
  key: Buffer;
}

export interface Keyring {
  /** New values are sealed with this one. */
  current: SecretKey;
  /** Every key a stored value may be sealed with, the current one included. */
  byId: Map<string, SecretKey>;
  source: "BATON_SECRET_KEY" | "key file";
}

/** A key problem an operator fixes: its message says how, and carries no key or secret. */
export class SecretKeyError extends AppError {
  constructor(message: string) {
    super("INTERNAL", { message });
    this.name = "SecretKeyError";
  }
}

export function keyFilePath(): string {
  return path.resolve(env().BATON_DATA_DIR, "secret.key");
}

export function parseKey(text: string, source: string): SecretKey {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) {
    throw new SecretKeyError(`${source} must be 32 bytes written as 64 hex digits or base64 (make one with: openssl rand -base64 32).`);
  }
  return { id: createHash("sha256").update("baton-secret-key:").update(key).digest("hex").slice(0, 16), key };
}

export function generateKey(): SecretKey {
  return parseKey(randomBytes(32).toString("base64"), "a generated key");
}

let cached: Keyring | undefined;

/** The process's keyring, read once (a rotation run replaces it). */
export function keyring(): Keyring {
  cached ??= loadKeyring();
  return cached;
}

export function reloadKeyring(): Keyring {
  cached = loadKeyring();
  return cached;
}

export function loadKeyring(): Keyring {
  const { BATON_SECRET_KEY, BATON_SECRET_KEY_PREVIOUS } = env();
  const primary = BATON_SECRET_KEY ? [parseKey(BATON_SECRET_KEY, "BATON_SECRET_KEY")] : readOrCreateKeyFile();
  const previous = BATON_SECRET_KEY_PREVIOUS.map((text) => parseKey(text, "BATON_SECRET_KEY_PREVIOUS"));
  // Moving from the key file to BATON_SECRET_KEY: what the file sealed still opens until rotated.
  const fromFile = BATON_SECRET_KEY ? readKeyFile() ?? [] : [];
  const all = [...primary, ...previous, ...fromFile];
  return {
    current: all[0]!,
    byId: new Map(all.map((key) => [key.id, key])),
    source: BATON_SECRET_KEY ? "BATON_SECRET_KEY" : "key file",
  };
}

/** One key per line, the current one first (rotation briefly keeps the old one below it). */
function readOrCreateKeyFile(): SecretKey[] {
  const existing = readKeyFile();
  if (existing) return existing;
  createKeyFile(keyFilePath());
  return readKeyFile()!;
}

/** The key file's keys, or null when there is none. */
export function readKeyFile(): SecretKey[] | null {
  const file = keyFilePath();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new SecretKeyError(`Cannot read the secret key file ${file}: ${(error as Error).message}`);
  }
  const lines = text.split("\n").filter((line) => line.trim());
  if (lines.length === 0) throw new SecretKeyError(`The secret key file ${file} is empty. Restore it from a backup, or set BATON_SECRET_KEY.`);
  return lines.map((line) => parseKey(line, `The secret key file ${file}`));
}

/** Written whole, then linked into place: a second process starting at once reads the first's key. */
function createKeyFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${generateKey().key.toString("base64")}\n`, { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temp);
  }
}

/** Replaces the key file's keys (rotation): written beside it, then renamed over it. */
export function writeKeyFile(keys: SecretKey[]): void {
  const file = keyFilePath();
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${keys.map((entry) => entry.key.toString("base64")).join("\n")}\n`, { mode: 0o600 });
  renameSync(temp, file);
}
