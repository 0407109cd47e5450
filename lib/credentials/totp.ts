// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) from a base32 secret, as
// authenticator apps make them. node:crypto's HMAC is all it takes, so no library is carried for it.
import { createHmac } from "node:crypto";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** RFC 4226 asks for at least 128 bits; 80 (16 characters) is what many sites still hand out. */
const MIN_SECRET_BYTES = 10;

export interface TotpOptions {
  /** Unix time in milliseconds; now by default. */
  at?: number;
  digits?: 6 | 7 | 8;
  periodSeconds?: number;
  algorithm?: "sha1" | "sha256" | "sha512";
}

/** The secret as stored: upper-case base32 without spaces, hyphens or padding; null if it is not one. */
export function normalizeTotpSecret(text: string): string | null {
  const normalized = text.replace(/[\s-]+/g, "").replace(/=+$/, "").toUpperCase();
  if (!/^[A-Z2-7]+$/.test(normalized)) return null;
  return decodeBase32(normalized).length >= MIN_SECRET_BYTES ? normalized : null;
}

export function decodeBase32(text: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const character of text) {
    const index = BASE32.indexOf(character);
    if (index < 0) throw new Error("Not base32.");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

export function hotp(key: Buffer, counter: number, digits = 6, algorithm: TotpOptions["algorithm"] = "sha1"): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac(algorithm, key).update(message).digest();
  // Dynamic truncation (RFC 4226 section 5.3): 31 bits read where the last nibble points.
  const offset = digest[digest.length - 1]! & 0x0f;
  const code = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(code % 10 ** digits).padStart(digits, "0");
}

/** The code an authenticator app shows for `secret` (base32) at `at`. */
export function totp(secret: string, options: TotpOptions = {}): string {
  const period = options.periodSeconds ?? 30;
  const counter = Math.floor((options.at ?? Date.now()) / 1000 / period);
  return hotp(decodeBase32(secret), counter, options.digits ?? 6, options.algorithm ?? "sha1");
}
