// The durable-execution port. The task workflow is written once against DurableContext; each
// engine backend (DBOS today, Inngest next) implements it. No engine type leaves lib/engine.
import type { DirectTransaction } from "@/lib/db";
import type { NotificationRequest } from "@/lib/push/notification-request";

export interface StepOptions {
  /** Retry a failed attempt this many extra times. Only for steps safe to repeat. */
  retries?: number;
  /**
   * The step's result is kept in Baton's own rows (written by the step, or with what the run writes
   * next), and the function run again returns it from there without acting twice (it reads back
   * what was written, where `mayHaveRun` says it may have been). An engine may then skip its own
   * checkpoint of the step, and run the function again on every replay.
   */
  recordsItself?: boolean;
}

/** What a step's function is told about the run it is part of. */
export interface StepRun {
  /**
   * An earlier execution of this workflow may have run this step without the engine recording it
   * (a step that records itself, in a resumed workflow): look for its own record before acting.
   * False when the engine records the step, or in a workflow's first execution.
   */
  mayHaveRun: boolean;
}

export interface DurableContext {
  /** Runs fn at most once to completion; after a crash the recorded result is replayed. */
  step<T>(name: string, fn: (run: StepRun) => Promise<T>, options?: StepOptions): Promise<T>;
  /** Waits durably for a message on topic; null when timeoutMs passes first. */
  waitForSignal<T>(topic: string, options: { timeoutMs: number }): Promise<T | null>;
  /** Sleeps durably: a restart during the sleep resumes it, not restarts it. */
  sleep(name: string, ms: number): Promise<void>;
}

/** Thrown by DurableContext.step when the step's own code failed (after any retries). */
export class StepFailedError extends Error {
  constructor(
    readonly stepName: string,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "StepFailedError";
  }
}

export const SIGNAL_CANCEL = "cancel";

/** A Postgres NOTIFY: sent at the commit of the transaction that made it. */
export interface PgNotification {
  channel: string;
  payload: string;
}

/** What the web side may ask of the engine. It never runs agent work itself. */
export interface TaskDispatcher {
  /** Starts the run's workflow (idempotent per run id), optionally after a delay. */
  startRun(runId: string, options?: { delayMs?: number }): Promise<void>;
  /**
   * startRun as part of the caller's transaction, for an engine whose queue lives in Baton's own
   * Postgres (DBOS): the run and its start commit together. Engines without it are started after.
   * The caller also sends `startWake` in that transaction, with a statement it makes anyway.
   */
  startRunInTransaction?(tx: DirectTransaction, runId: string, options?: { delayMs?: number }): Promise<void>;
  /** The notification that tells the workers at commit that startRunInTransaction queued a run. */
  readonly startWake?: PgNotification;
  /** Delivers a message to the run's workflow; it is kept until the workflow reads it. */
  signal(runId: string, topic: string, payload: unknown, idempotencyKey?: string): Promise<void>;
  /** Starts the push delivery of one notification (idempotent per notification id). */
  deliverNotification(notification: NotificationRequest): Promise<void>;
}
