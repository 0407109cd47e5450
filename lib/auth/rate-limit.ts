// Sign-in and pairing attempts are limited per account and per address, counted from the
// security log in Postgres so every web process sees the same count.
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export const ATTEMPT_WINDOW_MS = 15 * 60_000;
const LIMITS = { email: 5, ip: 30 } as const;

export interface AttemptSource {
  /** The account tried, when there is one ("email:…"); pairing has none. */
  account?: string;
  ip: string;
}

export async function assertNotRateLimited(db: Db, failureType: string, source: AttemptSource): Promise<void> {
  const since = new Date(Date.now() - ATTEMPT_WINDOW_MS);
  const [byAccount, byIp] = await Promise.all([
    source.account ? db.securityEvent.count({ where: { type: failureType, subject: source.account, createdAt: { gte: since } } }) : 0,
    db.securityEvent.count({ where: { type: failureType, ip: source.ip, createdAt: { gte: since } } }),
  ]);
  if (byAccount < LIMITS.email && byIp < LIMITS.ip) return;
  await db.securityEvent.create({
    data: { type: `${failureType.split(".")[0]}.rate_limited`, subject: source.account ?? `ip:${source.ip}`, ip: source.ip },
  });
  throw new AppError("TOO_MANY_REQUESTS", {
    message: "Too many attempts. Wait 15 minutes and try again, or pair this device from one that is signed in.",
  });
}

export async function recordFailure(db: Db, failureType: string, source: AttemptSource, userId?: string): Promise<void> {
  await db.securityEvent.create({ data: { type: failureType, subject: source.account ?? `ip:${source.ip}`, ip: source.ip, userId } });
}
