// Password sign-in: the credentials check behind next-auth's "password" provider.
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/respond";
import { createDevice } from "./devices";
import { verifyAgainstDecoy, verifyPassword } from "./password";
import { reserveAttempt } from "./rate-limit";
import { signInInput } from "./schemas";

export const SIGN_IN_FAILED = "sign_in.failed";

export interface ClientInfo {
  ip: string;
  userAgent?: string | null;
}

/** Checks the password and opens a device session: returns the user and the new device. */
export async function signInWithPassword(
  db: Db,
  credentials: unknown,
  client: ClientInfo,
): Promise<{ userId: string; deviceId: string }> {
  const { email, password } = parseOrThrow(signInInput, credentials);
  const source = { account: `email:${email}`, ip: client.ip };
  const attempt = await reserveAttempt(db, SIGN_IN_FAILED, source);
  const user = await db.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
  const valid = user?.passwordHash ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDecoy(password);
  if (!user || !valid) {
    await attempt.failed(user?.id);
    throw new AppError("UNAUTHORIZED", { message: "That email and password do not match an account." });
  }
  await attempt.succeeded();
  const deviceId = await createDevice(db, { userId: user.id, userAgent: client.userAgent, signedInVia: "password" });
  return { userId: user.id, deviceId };
}
