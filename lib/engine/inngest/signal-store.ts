// The signals of runs on the Inngest engine, kept in Postgres until a wait reads them. The DBOS
// backend keeps its messages until read; Inngest's waitForEvent only sees events sent after the
// wait began. So the dispatcher records a signal here before sending its event, and a wait reads
// the store first (a step), waits for the event only when nothing is there, then reads again.
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { TERMINAL_STATUSES } from "@/lib/tasks/status";

export interface SignalRecord {
  runId: string;
  topic: string;
  payload: unknown;
  /** One signal per key, however often it is sent. */
  key: string;
}

export async function recordSignal(db: Db, signal: SignalRecord): Promise<void> {
  const payload = signal.payload === undefined || signal.payload === null ? Prisma.DbNull : (signal.payload as Prisma.InputJsonValue);
  await db.engineSignal.createMany({ data: [{ runId: signal.runId, topic: signal.topic, payload, key: signal.key }], skipDuplicates: true });
}

/**
 * The oldest unread signal for the run and topic, marked read by `reader` (a wait's step id), or
 * null. Asked again by the same reader (a retried step), it returns the same signal, so a signal
 * is never lost between reading it and the step's result being recorded.
 */
export async function takeSignal(db: Db, params: { runId: string; topic: string; reader: string }): Promise<{ payload: unknown } | null> {
  return db.$transaction(async (tx) => {
    const earlier = await tx.engineSignal.findUnique({ where: { runId_consumedBy: { runId: params.runId, consumedBy: params.reader } }, select: { payload: true } });
    if (earlier) return { payload: earlier.payload };
    const [next] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM engine_signals
      WHERE run_id = ${params.runId}::uuid AND topic = ${params.topic} AND consumed_at IS NULL
      ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`;
    if (!next) return null;
    const taken = await tx.engineSignal.update({ where: { id: next.id }, data: { consumedAt: new Date(), consumedBy: params.reader }, select: { payload: true } });
    return { payload: taken.payload };
  });
}

/**
 * Signals still unread a while after they were sent, for runs still under way. A wait that began
 * just after its signal's event went out never saw that event; sending it again wakes the wait.
 */
export async function unreadSignals(db: Db, params: { olderThanMs: number; limit: number }): Promise<SignalRecord[]> {
  const rows = await db.$queryRaw<{ run_id: string; topic: string; payload: unknown; key: string }[]>`
    SELECT s.run_id, s.topic, s.payload, s.key FROM engine_signals s JOIN runs r ON r.id = s.run_id
    WHERE s.consumed_at IS NULL AND s.created_at < ${new Date(Date.now() - params.olderThanMs)}
      AND s.created_at > ${new Date(Date.now() - 7 * 24 * 3600_000)}
      AND NOT (r.status = ANY(${TERMINAL_STATUSES}::"TaskStatus"[]))
    ORDER BY s.created_at LIMIT ${params.limit}`;
  return rows.map((row) => ({ runId: row.run_id, topic: row.topic, payload: row.payload, key: row.key }));
}
