// What the workflow does to a run at its start and end. Each function is idempotent: a step
// re-executed after a crash finds its own earlier write and changes nothing.
import type { ConversationItem } from "@/lib/agent/providers/conversation";
import { artifactRow, type NewArtifact } from "@/lib/artifacts/save-artifact";
import { modelDisplayName } from "@/lib/agent/providers/model-names";
import { modelTurnInsert } from "@/lib/agent/model-turns";
import { describeTurn, recordTurnTx, type TurnRecord } from "@/lib/agent/record-turn";
import { policyFloorSchema, type PolicyFloor } from "@/lib/policy/risk-policy";
import { subscribersExist } from "@/lib/push/subscriptions";
import { previousRunContext } from "@/lib/schedules/previous-run-context";
import { directSql, type Db, type DbTx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { readRunWithTask, RUN_WITH_TASK_COLUMNS, toRunWithTask, type RunWithTask, type RunWithTaskRow } from "./read-run";
import { isTerminal, TERMINAL_STATUSES } from "./status";
import { appendEvent, appendStepEvent } from "./timeline";
import { refusedTransition, transitionSteps, transitionTask } from "./transition-task";

export interface RunWork {
  runId: string;
  taskId: string;
  userId: string;
  title: string;
  provider: string;
  model: string;
  budgetTokens: number | null;
  budgetUsd: number | null;
  /** When this run started (ISO, UTC): the agent's "today", the same on every replay of the run. */
  startedAt: string;
  /** Stricter-than-policy rules the task carries from its template. */
  policyFloor: PolicyFloor;
  /** The run's first act is a plan for the person to approve (lib/plans/plan-first.ts). */
  planFirst: boolean;
  /** A sub-task's parent run, woken when this run ends; its prompt was written by that run's agent. */
  parentRunId: string | null;
  /** The task's conversation so far: the request, earlier runs' answers and read follow-ups. */
  thread: ConversationItem[];
}

/** The messages a run's start reads, and its event (a repeat of the start reads them back by it). */
const BEGIN_STEP_KEY = "begin-run";

interface BeginRow extends RunWithTaskRow {
  began: boolean;
  /** The worker that started the run's workflow before this one did (when the caller names itself). */
  previous_executor: string | null;
  /** Follow-ups this start marked read, in the order they were sent. */
  read_now: ThreadMessage[];
  /** Follow-ups read before this statement: by earlier runs, or by this run's start or turns. */
  delivered: ThreadMessage[];
  /** The ids this run's start read, when an earlier execution of it did. */
  begin_ids: string[] | null;
  /** Earlier runs' answers (follow-up runs only). */
  answers: { body: string; at: number }[] | null;
}

interface ThreadMessage {
  id: string;
  body: string;
  /** Milliseconds since the epoch: only compared. */
  at: number;
  runId: string | null;
}

/**
 * Moves the task to running for this run; null when there is nothing to do (canceled, finished).
 * Runs again on every resumption of the run's workflow and returns the same work each time, so it
 * needs no checkpoint of its own: the first start is one statement (the move to running, the
 * follow-ups read, their event, and the thread), a later one reads back what the first wrote.
 */
export async function beginRun(db: Db, runId: string): Promise<RunWork | null> {
  return (await beginRunAs(db, runId)).work;
}

/**
 * beginRun by a named worker, which the same statement notes on the run (`executor_id`): returns
 * the work and the worker that had started the run's workflow before, if one had (a resumption).
 */
export async function beginRunAs(db: Db, runId: string, executorId?: string): Promise<{ work: RunWork | null; previousExecutor: string | null }> {
  const now = new Date();
  // Only a queued run moves its task; the rest of the statement sees the rows as they were before it.
  const queuedRunsTask = Prisma.sql`(SELECT task_id FROM runs WHERE id = ${runId}::uuid AND status = 'queued')`;
  // The executor goes with the move to running, or on its own when there is no move (a resumption):
  // one statement may write the run's row once.
  const runSet = executorId ? Prisma.sql`, executor_id = ${executorId}` : undefined;
  const noted = executorId
    ? Prisma.sql`noted AS (UPDATE runs SET executor_id = ${executorId} WHERE id = ${runId}::uuid AND NOT EXISTS (SELECT 1 FROM moved)),`
    : Prisma.empty;
  // Every run's start: on the driver (lib/db.ts says why).
  const [row] = await directSql(db).query<BeginRow>(Prisma.sql`
    WITH ${transitionSteps({ task: queuedRunsTask, runId, to: "running", actor: "system", now, runSet })},
    ${noted}
    read_now AS (
      UPDATE task_messages SET delivered_run_id = ${runId}::uuid
       WHERE task_id = (SELECT id FROM moved) AND delivered_run_id IS NULL
      RETURNING id, body, created_at),
    read_event AS (
      INSERT INTO timeline_events (task_id, run_id, type, actor, message, data, step_key, created_at)
      SELECT (SELECT id FROM moved), ${runId}::uuid, 'message.read', 'agent',
             CASE WHEN count(*) = 1 THEN 'Read your message' ELSE 'Read your ' || count(*) || ' messages' END,
             jsonb_build_object('messageIds', jsonb_agg(id::text ORDER BY created_at, id)), ${BEGIN_STEP_KEY}, ${now}
        FROM read_now HAVING count(*) > 0)
    SELECT ${RUN_WITH_TASK_COLUMNS},
      EXISTS (SELECT 1 FROM moved) AS began, r.executor_id AS previous_executor,
      (SELECT coalesce(json_agg(json_build_object('id', id, 'body', body, 'at', ${epochMs("created_at")}, 'runId', ${runId}::text) ORDER BY created_at, id), '[]')
         FROM read_now) AS read_now,
      (SELECT coalesce(json_agg(json_build_object('id', m.id, 'body', m.body, 'at', ${epochMs("m.created_at")}, 'runId', m.delivered_run_id)), '[]')
         FROM task_messages m WHERE m.task_id = t.id AND m.delivered_run_id IS NOT NULL) AS delivered,
      (SELECT e.data->'messageIds' FROM timeline_events e WHERE e.run_id = r.id AND e.step_key = ${BEGIN_STEP_KEY}) AS begin_ids,
      CASE WHEN r.number > 1 THEN (
        SELECT json_agg(json_build_object('body', convert_from(a.content, 'UTF8'), 'at', ${epochMs("a.created_at")}))
          FROM artifacts a WHERE a.task_id = t.id AND a.name = 'answer.md' AND a.run_id <> r.id) END AS answers
    FROM runs r JOIN tasks t ON t.id = r.task_id WHERE r.id = ${runId}::uuid`);
  if (!row) return { work: null, previousExecutor: null };
  const previousExecutor = row.previous_executor;
  const run = toRunWithTask(row);
  if (!row.began) {
    if (run.status === "queued") {
      // Canceled before a worker reached it: close the run without touching the task.
      await db.run.updateMany({ where: { id: runId, status: "queued" }, data: { status: "canceled", finishedAt: now } });
      return { work: null, previousExecutor };
    }
    // Ended before it ever ran (closed by an earlier execution of this): nothing to do. One that ran
    // and ended goes on: its resumed workflow replays to its end and finishes what followed it.
    if (isTerminal(run.status) && !run.startedAt) return { work: null, previousExecutor };
  }
  const { task } = run;
  // This run's start reads what was unread; a repeat of it (a resumption) the same ones again.
  const beginIds = new Set(row.begin_ids ?? []);
  const readAtStart = row.began ? row.read_now : row.delivered.filter((m) => m.runId === runId && beginIds.has(m.id));
  const earlier = row.delivered.filter((m) => m.runId !== runId);
  // Earlier runs' answers and the messages they read, in time order; then the ones this run reads,
  // even one sent while the last answer was being written (it came after that answer).
  const history: { at: number; item: ConversationItem }[] = [
    ...(row.answers ?? []).map((a) => ({ at: a.at, item: { type: "assistant" as const, text: a.body, toolCalls: [] } })),
    ...earlier.map((m) => ({ at: m.at, item: { type: "user" as const, text: m.body } })),
  ];
  history.sort((a, b) => a.at - b.at);
  const previous = run.number === 1 ? await previousRunContext(db, task) : null;
  if (previous) {
    await appendStepEvent(db, {
      taskId: task.id,
      runId,
      stepKey: `${BEGIN_STEP_KEY}-context`,
      type: "context.previous-run",
      actor: "system",
      message: "Gave the agent the previous run's result for comparison",
      data: { taskId: previous.previousTaskId },
    });
  }
  const work: RunWork = {
    runId,
    taskId: task.id,
    userId: task.userId,
    title: task.title,
    provider: run.provider,
    model: run.model,
    budgetTokens: task.budgetTokens,
    budgetUsd: task.budgetUsd,
    startedAt: (row.began ? now : (run.startedAt ?? now)).toISOString(),
    policyFloor: policyFloorSchema.parse(task.policyFloor ?? {}),
    planFirst: task.planFirst,
    parentRunId: task.parentRunId,
    thread: [
      { type: "user", text: task.prompt },
      ...(previous ? [{ type: "user" as const, text: previous.text }] : []),
      ...history.map((entry) => entry.item),
      ...readAtStart.map((m) => ({ type: "user" as const, text: m.body })),
    ],
  };
  return { work, previousExecutor };
}

/** A timestamp column as milliseconds since the epoch (its JSON text would carry no time zone). */
function epochMs(column: string): Prisma.Sql {
  return Prisma.raw(`(extract(epoch FROM ${column}) * 1000)::float8`);
}

/** A turn's model answers in the background: its response id, kept on the run (for a cancel) and as the turn's record. */
export async function recordModelResponse(
  db: Db,
  params: { runId: string; taskId: string; turn: number; responseId: string; provider: string; model: string },
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.run.update({ where: { id: params.runId }, data: { responseId: params.responseId } });
    await tx.$executeRaw(modelTurnInsert({ runId: params.runId, turn: params.turn, start: { kind: "background", responseId: params.responseId } }));
    await appendEvent(tx, {
      taskId: params.taskId,
      runId: params.runId,
      type: "model.started",
      actor: "agent",
      message: `Asked ${modelDisplayName(params.provider, params.model)}; working in the background`,
    });
  });
}

export interface FinishRunParams {
  runId: string;
  outcome: "completed" | "failed" | "canceled";
  reason?: string;
  /** What the run produced, stored in the same transaction, so a completed run always has them. */
  artifacts?: Omit<NewArtifact, "taskId" | "runId">[];
  /** The final model turn, recorded here rather than in a step of its own (one checkpoint less). */
  finalTurn?: Omit<TurnRecord, "taskId" | "runId">;
  /** The run's person, asked by the same statement whether anyone would hear of its outcome (RunEnd.heard). */
  userId?: string;
}

/**
 * Ends the run and, unless the person already canceled the task, the task with it. Returns the id
 * of a follow-up run when a message arrived while the final answer was being written. Repeatable,
 * so it needs no checkpoint: a repeat finds the run ended and returns the same follow-up run.
 */
export async function finishRun(db: Db, params: FinishRunParams): Promise<RunEnd> {
  // Nearly every run ends the same way: one statement on the driver (lib/db.ts says why), which
  // writes nothing unless the run is unfinished, no one wrote its task since the statement began
  // (a follow-up's sender writes it first: lockTask) and, for a completion, no follow-up waits.
  // Anything else (a repeat, a cancel, a follow-up) takes the general path below.
  if (params.outcome !== "canceled") {
    const [end] = await directSql(db).query<EndRow>(endStatement(params, { kind: "unheld" }));
    if (end?.moved) return { followUpRunId: null, outcome: params.outcome, heard: end.heard ?? undefined };
  }
  return finishRunInTransaction(db, params);
}

/** How the run ended (by this call, or by an earlier one: a repeat says what that one recorded). */
export interface RunEnd {
  followUpRunId: string | null;
  outcome: FinishRunParams["outcome"];
  /** Whether anyone would receive news of this outcome (lib/push/subscriptions.ts), when the end asked. */
  heard?: boolean;
}

interface EndRow {
  moved: boolean;
  unread: boolean;
  heard: boolean | null;
}

async function finishRunInTransaction(db: Db, params: FinishRunParams): Promise<RunEnd> {
  return db.$transaction(async (tx) => {
    // The task row is held from here on: a cancel or a follow-up landing now waits and then finds
    // the run ended; and the statements after this one see every follow-up sent before it.
    const run = await readRunWithTask(tx, params.runId, { lockTask: true });
    if (!run) return { followUpRunId: null, outcome: params.outcome };
    if (isTerminal(run.status)) return { followUpRunId: await followUpRunOf(tx, run), outcome: run.status };
    if (run.task.status === "canceled" || params.outcome === "canceled") {
      await closeCanceledRun(tx, run, params);
      return { followUpRunId: null, outcome: "canceled" };
    }
    const taskId = run.task.id;
    const [row] = await tx.$queryRaw<EndRow[]>(endStatement(params, { kind: "held", taskId }));
    if (!row?.moved) throw await refusedTransition(tx, { taskId, to: params.outcome });
    // A follow-up sent while the final answer was being written was never read: it starts a new
    // run, as one sent a moment later would.
    if (params.outcome !== "completed" || !row.unread) return { followUpRunId: null, outcome: params.outcome, heard: row.heard ?? undefined };
    await transitionTask(tx, { taskId, to: "queued", actor: "system", reason: "Follow-up message" });
    const next = await tx.run.create({
      data: { taskId, number: run.number + 1, provider: run.task.provider, model: run.task.model },
      select: { id: true },
    });
    return { followUpRunId: next.id, outcome: params.outcome };
  });
}

/**
 * The end as one statement: the final turn's spend, event and record, the artifacts and their
 * events, the status change; and whether a follow-up waits. "held": after the general path's lock
 * of the task. "unheld": on its own, finding the task through the run, and moving it only as
 * finishRun says (`xmin` is the transaction that last wrote the row).
 */
function endStatement(params: FinishRunParams, scope: { kind: "held"; taskId: string } | { kind: "unheld" }): Prisma.Sql {
  const { runId } = params;
  const turn = params.finalTurn ? describeTurn(params.finalTurn) : undefined;
  const artifacts = (params.artifacts ?? []).map(artifactRow);
  const unheld = scope.kind === "unheld";
  const task = unheld ? Prisma.sql`(SELECT task_id FROM ending)` : Prisma.sql`${scope.taskId}::uuid`;
  const noFollowUpWaits = Prisma.sql`NOT EXISTS (SELECT 1 FROM task_messages WHERE task_id = tasks.id AND delivered_run_id IS NULL)`;
  const onlyIf = unheld
    ? Prisma.sql`xmin = (SELECT seen FROM ending) ${params.outcome === "completed" ? Prisma.sql`AND ${noFollowUpWaits}` : Prisma.empty}`
    : undefined;
  const final = params.finalTurn;
  const turnRecord = final
    ? Prisma.sql`turn_saved AS (${modelTurnInsert({ runId, turn: final.turn, start: { kind: "done", result: final.result }, onlyIf: Prisma.sql`EXISTS (SELECT 1 FROM moved)` })}),`
    : Prisma.empty;
  const ending = unheld
    ? Prisma.sql`ending AS (
        SELECT r.task_id, t.xmin AS seen FROM runs r JOIN tasks t ON t.id = r.task_id
         WHERE r.id = ${runId}::uuid AND NOT (r.status = ANY(${TERMINAL_STATUSES}::"TaskStatus"[]))),`
    : Prisma.empty;
  return Prisma.sql`
    WITH ${ending}
    ${transitionSteps({
      task,
      runId,
      to: params.outcome,
      actor: "system",
      reason: params.reason,
      now: new Date(),
      runSpend: turn,
      onlyIf,
      withMove: Prisma.sql`${artifactInserts(runId, artifacts)} ${turnRecord}`,
      eventsBefore: Prisma.sql`
        SELECT 0, 'model.turn', 'agent', ${turn?.event.message ?? ""}, ${JSON.stringify(turn?.event.data ?? null)}::jsonb, ${turn?.event.stepKey ?? ""}
         WHERE ${turn !== undefined}
        UNION ALL
        SELECT 1, 'artifact.created', 'agent', a.announcement, jsonb_build_object('artifactId', s.id::text), NULL
          FROM saved s JOIN (VALUES ${announcements(artifacts)}) AS a(name, announcement) ON a.name = s.name
         WHERE a.announcement IS NOT NULL`,
    })}
    SELECT EXISTS (SELECT 1 FROM moved) AS moved,
           EXISTS (SELECT 1 FROM task_messages WHERE task_id = ${task} AND delivered_run_id IS NULL) AS unread,
           ${params.userId ? subscribersExist({ userId: params.userId, kind: params.outcome }) : Prisma.sql`NULL::boolean`} AS heard`;
}

type ArtifactToSave = ReturnType<typeof artifactRow>;

/**
 * The WITH item `saved`: the artifacts inserted if the task moved (a name the run already stored
 * keeps its first). Their ids are Postgres's random UUIDs (Prisma makes the time-ordered ones;
 * nothing sorts by them).
 */
function artifactInserts(runId: string, artifacts: ArtifactToSave[]): Prisma.Sql {
  if (artifacts.length === 0) return Prisma.sql`saved AS (SELECT NULL::uuid AS id, NULL::text AS name WHERE false),`;
  const rows = artifacts.map((a) => Prisma.sql`(${a.name}::text, ${a.kind}::text, ${a.mimeType}::text, ${a.sizeBytes}::int, ${a.content}::bytea)`);
  return Prisma.sql`saved AS (
      INSERT INTO artifacts (id, task_id, run_id, name, kind, mime_type, size_bytes, content)
      SELECT gen_random_uuid(), m.id, ${runId}::uuid, a.name, a.kind, a.mime_type, a.size_bytes, a.content
        FROM moved m, (VALUES ${Prisma.join(rows)}) AS a(name, kind, mime_type, size_bytes, content)
      ON CONFLICT (run_id, name) DO NOTHING RETURNING id, name),`;
}

function announcements(artifacts: ArtifactToSave[]): Prisma.Sql {
  if (artifacts.length === 0) return Prisma.sql`(NULL::text, NULL::text)`;
  return Prisma.join(artifacts.map((a) => Prisma.sql`(${a.name}::text, ${a.announcement}::text)`));
}

/** The run ends canceled (the person canceled the task, or the run saw the cancel itself). */
async function closeCanceledRun(tx: DbTx, run: RunWithTask, params: FinishRunParams): Promise<void> {
  // Its last turn still counts its tokens; the timeline ends at the cancel.
  if (params.finalTurn) await recordTurnTx(tx, { ...params.finalTurn, taskId: run.task.id, runId: run.id }, { heldStatus: run.task.status, totals: false });
  await tx.run.update({ where: { id: run.id }, data: { status: "canceled", finishedAt: new Date() }, select: { id: true } });
  if (run.task.status !== "canceled") {
    await transitionTask(tx, { taskId: run.task.id, runId: run.id, to: "canceled", actor: "system", reason: params.reason });
  }
}

/** The run this one's end queued for a follow-up: the task's next run, if there is one. */
async function followUpRunOf(tx: DbTx, run: RunWithTask): Promise<string | null> {
  const next = await tx.run.findUnique({ where: { taskId_number: { taskId: run.task.id, number: run.number + 1 } }, select: { id: true } });
  return next?.id ?? null;
}
