import { randomUUID } from "node:crypto";
import { createDevice } from "@/lib/auth/devices";
import { encodeSession } from "@/lib/auth/session";
import type { Db } from "@/lib/db";

/** A fresh user per test, so tests run in parallel and in any order. */
export async function createTestUser(db: Db, name = "Test user"): Promise<string> {
  const user = await db.user.create({ data: { email: `${randomUUID()}@test.invalid`, name }, select: { id: true } });
  return user.id;
}

export interface SignedInUser {
  userId: string;
  deviceId: string;
  /** A Cookie header carrying the user's session, as a signed-in browser would send it. */
  cookie: string;
}

/** A fresh user signed in on one device, for calling route handlers as that person. */
export async function createSignedInUser(db: Db, name = "Test user"): Promise<SignedInUser> {
  const userId = await createTestUser(db, name);
  const deviceId = await createDevice(db, { userId, userAgent: "vitest", signedInVia: "password" });
  const token = await encodeSession(db, { sub: userId, deviceId });
  return { userId, deviceId, cookie: `next-auth.session-token=${token}` };
}
