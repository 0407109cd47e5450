// Sessions: next-auth issues an encrypted JWT cookie naming the user and the device it was issued
// to. Every request also checks that device row, so revoking a device (or signing out everywhere)
// takes effect on that browser's next request rather than when the cookie expires.
import { decode, encode } from "next-auth/jwt";
import type { Db } from "@/lib/db";
import { instanceSecrets } from "@/lib/secrets/instance-secrets";
import { SESSION_COOKIE_NAMES } from "./session-cookie";

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600;
const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: "owner" | "member";
  deviceId: string;
}

export interface SessionClaims {
  sub: string;
  deviceId: string;
}

export function sessionTokenFrom(cookie: (name: string) => string | undefined): string | undefined {
  for (const name of SESSION_COOKIE_NAMES) {
    const value = cookie(name);
    if (value) return value;
  }
  return undefined;
}

export async function encodeSession(db: Db, claims: SessionClaims): Promise<string> {
  const { authSecret } = await instanceSecrets(db);
  return encode({ token: { ...claims }, secret: authSecret, maxAge: SESSION_MAX_AGE_SECONDS });
}

/** The signed-in user behind a session token, or null if it is missing, forged, expired or revoked. */
export async function userForSessionToken(db: Db, token: string | undefined): Promise<SessionUser | null> {
  if (!token) return null;
  const { authSecret } = await instanceSecrets(db);
  const claims = await decode({ token, secret: authSecret }).catch(() => null);
  const deviceId = typeof claims?.deviceId === "string" ? claims.deviceId : undefined;
  if (!claims?.sub || !deviceId) return null;
  const device = await db.device.findFirst({
    where: { id: deviceId, userId: claims.sub, revokedAt: null },
    select: { lastSeenAt: true, user: { select: { id: true, email: true, name: true, role: true } } },
  });
  if (!device) return null;
  if (Date.now() - device.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await db.device.updateMany({ where: { id: deviceId }, data: { lastSeenAt: new Date() } });
  }
  return { ...device.user, deviceId };
}
