// What a run's model step returned for each turn, kept in Baton's own table rather than as an
// engine checkpoint: it is written with what the run writes next anyway (the turn's spend, the
// run's end, a background response's id), so a turn costs no write of its own. A model step run
// again in a resumed workflow reads it back; one whose answer was never written asks again (with
// the same idempotency key), which is safe because nothing was done with that answer.
import { directSql, type Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { isTerminal, type TaskStatus } from "@/lib/tasks/status";
import type { ModelStart } from "./providers/types";

/**
 * The insert that records a turn's start (if `onlyIf`, an SQL condition, holds); a turn recorded
 * already keeps its first record (a background one stays one).
 */
export function modelTurnInsert(params: { runId: string; turn: number; start: ModelStart; onlyIf?: Prisma.Sql }): Prisma.Sql {
  return Prisma.sql`INSERT INTO model_turns (run_id, turn, start)
    SELECT ${params.runId}::uuid, ${params.turn}::int, ${JSON.stringify(params.start)}::jsonb WHERE ${params.onlyIf ?? Prisma.sql`true`}
    ON CONFLICT (run_id, turn) DO NOTHING`;
}

/**
 * What an earlier execution's model step returned for the turn, as recorded; "ended" when nothing
 * was recorded but the run has ended since (its model step failed, or the run was closed under
 * it): the run's end is on record, and asking the model now could only contradict it.
 */
export async function recordedModelTurn(db: Db, params: { runId: string; turn: number }): Promise<ModelStart | { kind: "ended" } | null> {
  const [row] = await directSql(db).query<{ start: ModelStart | null; status: TaskStatus }>(Prisma.sql`
    SELECT (SELECT start FROM model_turns WHERE run_id = r.id AND turn = ${params.turn}::int) AS start, r.status::text AS status
      FROM runs r WHERE r.id = ${params.runId}::uuid`);
  if (row?.start) return row.start;
  return row && isTerminal(row.status) ? { kind: "ended" } : null;
}
