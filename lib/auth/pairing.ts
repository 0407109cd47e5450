// Pairing: a signed-in device shows a short code (and a QR code of a link carrying it); another
// device redeems it once, within minutes, and is signed in as the same person.
import { createHash, randomInt } from "node:crypto";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/respond";
import { announceChange } from "@/lib/live/announce-change";
import { createDevice, deviceName } from "./devices";
import { reserveAttempt } from "./rate-limit";
import type { ClientInfo } from "./sign-in";
import { redeemPairingInput } from "./schemas";
import { assertId } from "@/lib/validation/ids";

export const PAIRING_TTL_MS = 5 * 60_000;
export const PAIRING_FAILED = "pairing.failed";
// No 0/O, 1/I/L: codes are read off one screen and typed into another.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

const hashCode = (code: string) => createHash("sha256").update(code).digest("hex");

export interface PairingCodeView {
  id: string;
  /** Shown as ABCD-EFGH. Only returned when the code is created. */
  code: string;
  expiresAt: string;
}

export async function createPairingCode(db: Db, input: { userId: string; deviceId: string }): Promise<PairingCodeView> {
  const code = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  const row = await db.pairingCode.create({
    data: { userId: input.userId, createdByDeviceId: input.deviceId, codeHash: hashCode(code), expiresAt: new Date(Date.now() + PAIRING_TTL_MS) },
    select: { id: true, expiresAt: true },
  });
  return { id: row.id, code: `${code.slice(0, 4)}-${code.slice(4)}`, expiresAt: row.expiresAt.toISOString() };
}

/** Redeems a code once: the conditional update lets exactly one of two racing phones through. */
export async function redeemPairingCode(db: Db, input: unknown, client: ClientInfo): Promise<{ userId: string; deviceId: string }> {
  const { code, deviceName: given } = parseOrThrow(redeemPairingInput, input);
  const source = { ip: client.ip };
  const attempt = await reserveAttempt(db, PAIRING_FAILED, source);
  const now = new Date();
  const result = await db.$transaction(async (tx) => {
    const pairing = await tx.pairingCode.findUnique({ where: { codeHash: hashCode(code) }, select: { id: true, userId: true } });
    if (!pairing) return null;
    const name = deviceName(given, client.userAgent);
    const deviceId = await createDevice(tx, { userId: pairing.userId, name, userAgent: client.userAgent, signedInVia: "pairing" });
    const claimed = await tx.pairingCode.updateMany({
      where: { id: pairing.id, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now, usedByDeviceId: deviceId },
    });
    if (!claimed.count) throw new AppError("UNAUTHORIZED", { message: "That code has expired or was already used. Make a new one on your signed-in device." });
    // The device showing the code says who joined, without waiting for a reload.
    await announceChange(tx, { kind: "pairing", userId: pairing.userId, pairingId: pairing.id, deviceName: name });
    return { userId: pairing.userId, deviceId };
  }).catch(async (error: unknown) => {
    // A real code that expired or was used is not a guess: it does not count.
    await attempt.succeeded();
    throw error;
  });
  if (!result) {
    await attempt.failed();
    throw new AppError("UNAUTHORIZED", { message: "That code is not right. Check it against your signed-in device." });
  }
  await attempt.succeeded();
  return result;
}

export async function listPendingPairingCodes(db: Db, userId: string): Promise<Array<{ id: string; expiresAt: string }>> {
  const rows = await db.pairingCode.findMany({
    where: { userId, usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    select: { id: true, expiresAt: true },
  });
  return rows.map((row) => ({ id: row.id, expiresAt: row.expiresAt.toISOString() }));
}

export async function revokePairingCode(db: Db, input: { userId: string; pairingId: string }): Promise<void> {
  const gone = () => new AppError("NOT_FOUND", { message: "That pairing code is already used, expired or revoked." });
  assertId(input.pairingId, gone);
  const result = await db.pairingCode.updateMany({
    where: { id: input.pairingId, userId: input.userId, usedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (!result.count) throw gone();
}
