// Sign-in and pairing attempts are limited per account and per address, counted from the
// security log in Postgres so every web process sees the same count. An attempt is reserved
// before the password or code is checked, under a lock per account and address, so attempts sent
// at once are counted one after another: of 40 concurrent guesses, only the first 5 are checked.
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export const ATTEMPT_WINDOW_MS = 15 * 60_000;
const LIMITS = { email: 5, ip: 30 } as const;

export interface AttemptSource {
  /** The account tried, when there is one ("email:…"); pairing has none. */
  account?: string;
  ip: string;
}

export interface ReservedAttempt {
  /** The check passed: the attempt does not count. */
  succeeded(): Promise<void>;
  /** The check failed: the attempt counts for the rest of the window. */
  failed(userId?: string): Promise<void>;
}

const RESERVATION_TRANSACTION = { maxWait: 15_000, timeout: 15_000 };

const pendingType = (failureType: string) => `${failureType.split(".")[0]}.pending`;

/**
 * Counts earlier failures and attempts still being checked; refuses when over the limit, else
 * reserves this attempt. A reservation whose check never finished (a crash) counts as a failure.
 */
export async function reserveAttempt(db: Db, failureType: string, source: AttemptSource): Promise<ReservedAttempt> {
  const pending = pendingType(failureType);
  const subject = source.account ?? `ip:${source.ip}`;
  const reservation = await db.$transaction(async (tx) => {
    // Account first, then address: every attempt takes the locks in the same order.
    for (const key of [source.account, `ip:${source.ip}`].filter(Boolean)) {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`rate-limit:${failureType}:${key}`}))`;
    }
    const since = new Date(Date.now() - ATTEMPT_WINDOW_MS);
    const types = { in: [failureType, pending] };
    const [byAccount, byIp] = await Promise.all([
      source.account ? tx.securityEvent.count({ where: { type: types, subject: source.account, createdAt: { gte: since } } }) : 0,
      tx.securityEvent.count({ where: { type: types, ip: source.ip, createdAt: { gte: since } } }),
    ]);
    if (byAccount >= LIMITS.email || byIp >= LIMITS.ip) {
      await tx.securityEvent.create({ data: { type: `${failureType.split(".")[0]}.rate_limited`, subject, ip: source.ip } });
      return null;
    }
    return tx.securityEvent.create({ data: { type: pending, subject, ip: source.ip }, select: { id: true } });
    // A burst of attempts queues on the lock, each holding a connection: wait for one longer than
    // Prisma's 2 s default rather than failing the attempt.
  }, RESERVATION_TRANSACTION);
  if (!reservation) {
    throw new AppError("TOO_MANY_REQUESTS", {
      message: "Too many attempts. Wait 15 minutes and try again, or pair this device from one that is signed in.",
    });
  }
  return {
    succeeded: async () => {
      await db.securityEvent.delete({ where: { id: reservation.id } });
    },
    failed: async (userId) => {
      await db.securityEvent.update({ where: { id: reservation.id }, data: { type: failureType, userId } });
    },
  };
}
