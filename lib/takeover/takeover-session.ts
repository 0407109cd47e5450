// Coming back to a takeover: the link opens the live view once, and redeeming it leaves an
// httpOnly cookie on that browser, bound to the takeover, its owner and the moment it was claimed.
// A reload (or "Take over" on the task page) on that browser finds the cookie and goes on; the
// same owner on another device, or a replayed link, does not. The value is an HMAC under the
// instance's auth secret, so nothing new is stored, and it dies with the takeover.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { instanceSecrets } from "@/lib/secrets/instance-secrets";
import { isId } from "@/lib/validation/ids";
import { activeTakeoverOrThrow } from "./takeovers";

/** One cookie per takeover, so two takeovers on one phone do not overwrite each other. */
export const takeoverCookieName = (takeoverId: string) => `baton-takeover-${takeoverId}`;

interface Bound {
  id: string;
  userId: string;
  claimedAt: Date | null;
}

function sessionMac(authSecret: string, takeover: Bound): Buffer {
  const key = Buffer.from(hkdfSync("sha256", authSecret, "baton", "takeover-session v1", 32));
  return createHmac("sha256", key).update(`${takeover.id}\n${takeover.userId}\n${takeover.claimedAt?.toISOString() ?? ""}`).digest();
}

async function takeoverSessionValue(db: Db, takeover: Bound): Promise<string> {
  const { authSecret } = await instanceSecrets(db);
  return sessionMac(authSecret, takeover).toString("base64url");
}

/** Whether the cookie a browser sent belongs to this takeover's claim. */
async function sessionMatches(db: Db, takeover: Bound, given: string | undefined): Promise<boolean> {
  if (!given || !takeover.claimedAt) return false;
  const { authSecret } = await instanceSecrets(db);
  const expected = sessionMac(authSecret, takeover);
  const actual = Buffer.from(given, "base64url");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * The active takeover this browser holds: the signed-in owner's, claimed here (the cookie). Anyone
 * else, another device of the owner included, reads as "no such takeover".
 */
export async function heldTakeoverOrThrow(db: Db, params: { userId: string; takeoverId: string; cookie: string | undefined }) {
  if (!isId(params.takeoverId)) throw new AppError("NOT_FOUND", { message: "This takeover is over or was never yours." });
  const takeover = await activeTakeoverOrThrow(db, params);
  if (!(await sessionMatches(db, takeover, params.cookie))) {
    throw new AppError("NOT_FOUND", { message: "This takeover was opened on another device. Hand it back there, or open a new link." });
  }
  return takeover;
}

/** The cookie to set on the browser that just claimed the takeover: it lives as long as the takeover may. */
export async function takeoverSessionCookie(db: Db, takeover: Bound & { expiresAt: Date }, origin: string) {
  return {
    name: takeoverCookieName(takeover.id),
    value: await takeoverSessionValue(db, takeover),
    options: { httpOnly: true, sameSite: "lax" as const, secure: origin.startsWith("https:"), path: "/", expires: takeover.expiresAt },
  };
}
