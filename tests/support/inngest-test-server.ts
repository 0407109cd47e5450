// An in-process stand-in for the Inngest server (whose Dev Server cannot run here). It runs the real
// Inngest functions with @inngest/test's InngestTestEngine, i.e. the SDK's own execution engine,
// one execution per request as the server would make them, and plays the server's part:
//  - memoizes step results as JSON and hands them back on the next execution;
//  - retries a failed step with the next `attempt` until the SDK reports it failed for good;
//  - matches step.waitForEvent (event name + `if` expression) only against events sent after the
//    wait was registered, and times it out on the real clock; sleeps run on the real clock too;
//  - starts functions whose triggers match a sent event, dropping repeated event ids and honouring
//    `idempotency` and `singleton` keys;
//  - cancels runs whose `cancelOn` matches, and then sends `inngest/function.cancelled`.
// Expressions are evaluated by a small CEL subset (./inngest-expressions.ts).
import { InngestTestEngine } from "@inngest/test";
import type { InngestFunction } from "inngest";
import type { OutgoingEvent } from "@/lib/engine/inngest/dispatcher";
import { FUNCTION_CANCELLED_EVENT, INNGEST_APP_ID } from "@/lib/engine/inngest/names";
import { durationMs, evaluate, lookup } from "./inngest-expressions";

type AnyFunction = InngestFunction.Any;

export interface ServerEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
}

/** What an execution reported about a step, as the SDK sends it to the server. */
export interface FoundOp {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  opts?: { timeout?: string; if?: string };
  data?: unknown;
  error?: unknown;
}

export interface StepRecord {
  /** The hashed id the SDK and server use (the key of ServerRun.memo). */
  id: string;
  name: string;
  op: string;
  attempt: number;
}

type Checkpoint =
  | { type: "function-resolved"; data: unknown }
  | { type: "function-rejected"; error: unknown; retriable?: boolean | string }
  | { type: "step-ran"; step: FoundOp }
  | { type: "steps-found"; steps: FoundOp[] }
  | { type: "step-not-found" | "change-mode" };

type MemoizedStep = { id: string; data?: unknown; error?: unknown };

/** Exposes the one execution InngestTestEngine makes per call, without its run-to-the-end loop. */
class SingleExecutionEngine extends InngestTestEngine {
  async executeOnce(): Promise<Checkpoint> {
    const { result } = await this.individualExecution({});
    return result as unknown as Checkpoint;
  }
}

export class ServerRun {
  status: "running" | "completed" | "failed" | "canceled" = "running";
  output: unknown;
  error: unknown;
  /** Every step the run reported, in order, with the attempt it ran at. */
  readonly steps: StepRecord[] = [];
  readonly done: Promise<void>;
  attempt = 0;
  readonly memo: Record<string, MemoizedStep> = {};
  readonly order: string[] = [];
  /** The step.waitForEvent the server registered for this run, until an event or its timeout ends it. */
  wait: { op: FoundOp; resolve(event: ServerEvent | null): void } | undefined;
  private finish!: () => void;

  constructor(
    readonly fn: AnyFunction,
    readonly trigger: ServerEvent,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  get functionId(): string {
    return this.fn.id(INNGEST_APP_ID);
  }

  end(status: "completed" | "failed" | "canceled", result?: { output?: unknown; error?: unknown }): void {
    if (this.status !== "running") return;
    this.status = status;
    this.output = result?.output;
    this.error = result?.error;
    this.wait?.resolve(null);
    this.finish();
  }

  remember(op: FoundOp, outcome: { data?: unknown; error?: unknown }): void {
    // The server keeps step data as JSON; a function gets it back parsed, Dates as strings.
    this.memo[op.id] = outcome.error !== undefined ? { id: op.id, error: outcome.error } : { id: op.id, data: JSON.parse(JSON.stringify(outcome.data ?? null)) };
    this.order.push(op.id);
    this.attempt = 0;
  }
}

interface Hold {
  when: (op: FoundOp, run: ServerRun) => boolean;
  reached: Promise<ServerRun>;
  arrive(run: ServerRun): void;
  released: Promise<void>;
  release(): void;
}

export class InngestTestServer {
  readonly events: ServerEvent[] = [];
  readonly runs: ServerRun[] = [];
  private readonly seenEventIds = new Set<string>();
  private readonly seenIdempotencyKeys = new Set<string>();
  private readonly holds: Hold[] = [];
  private paused: { until: Promise<void>; resume(): void } | undefined;
  private closed = false;

  constructor(private readonly functions: AnyFunction[]) {}

  /** What a dispatcher calls: accepts events as Inngest's event API would. */
  send = async (events: OutgoingEvent[]): Promise<void> => {
    for (const outgoing of events) this.receive(outgoing);
  };

  /** Starts a function directly with an event (a cron tick, a function.invoked), as Inngest would. */
  invoke(fn: AnyFunction, event: { name: string; data?: Record<string, unknown> }): ServerRun {
    return this.start(fn, { id: `evt-${this.events.length + 1}-${Date.now()}`, name: event.name, data: event.data ?? {}, ts: Date.now() });
  }

  /** Ends every run (as canceled, without cleanup), e.g. before the test's database goes away. */
  close(): void {
    this.closed = true;
    this.resume();
    for (const run of this.runs) run.end("canceled");
  }

  runsOf(functionId: string): ServerRun[] {
    return this.runs.filter((run) => run.fn.id() === functionId);
  }

  /** Stops executing functions (events still arrive: waits already registered still match). */
  pause(): void {
    if (this.paused) return;
    let resume!: () => void;
    const until = new Promise<void>((resolve) => (resume = resolve));
    this.paused = { until, resume };
  }

  resume(): void {
    const paused = this.paused;
    this.paused = undefined;
    paused?.resume();
  }

  /** Holds the first run that reports a matching step (run, or found) before the server goes on. */
  hold(when: (op: FoundOp, run: ServerRun) => boolean): { reached: Promise<ServerRun>; release(): void } {
    let arrive!: (run: ServerRun) => void;
    let release!: () => void;
    const hold: Hold = {
      when,
      reached: new Promise((resolve) => (arrive = resolve)),
      arrive: (run) => arrive(run),
      released: new Promise((resolve) => (release = resolve)),
      release: () => release(),
    };
    this.holds.push(hold);
    return { reached: hold.reached, release: () => hold.release() };
  }

  private receive(outgoing: { id?: string; name: string; data?: Record<string, unknown> }): void {
    if (this.closed || (outgoing.id && this.seenEventIds.has(outgoing.id))) return;
    const event: ServerEvent = { id: outgoing.id ?? `evt-${this.events.length + 1}-${Date.now()}`, name: outgoing.name, data: outgoing.data ?? {}, ts: Date.now() };
    this.seenEventIds.add(event.id);
    this.events.push(event);
    for (const run of this.runs) {
      if (run.status !== "running") continue;
      if (this.cancels(run, event)) {
        this.cancel(run);
        continue;
      }
      const wait = run.wait;
      if (wait && wait.op.name === event.name && (!wait.op.opts?.if || evaluate(wait.op.opts.if, { event: run.trigger, async: event }))) wait.resolve(event);
    }
    for (const fn of this.functions) {
      for (const trigger of triggersOf(fn)) {
        if (trigger.event === event.name && (!trigger.if || evaluate(trigger.if, { event }))) this.start(fn, event);
      }
    }
  }

  private cancels(run: ServerRun, event: ServerEvent): boolean {
    const cancelOn = (run.fn.opts.cancelOn ?? []) as { event: string | { name: string }; if?: string }[];
    return cancelOn.some((rule) => eventName(rule.event) === event.name && (!rule.if || evaluate(rule.if, { event: run.trigger, async: event })));
  }

  private cancel(run: ServerRun): void {
    run.end("canceled");
    this.receive({
      name: FUNCTION_CANCELLED_EVENT,
      data: { function_id: run.functionId, run_id: `run-${this.runs.indexOf(run)}`, event: run.trigger, error: { name: "Error", message: "function cancelled" } },
    });
  }

  private start(fn: AnyFunction, event: ServerEvent): ServerRun {
    const opts = fn.opts as { idempotency?: string; singleton?: { key?: string; mode: string } };
    const run = new ServerRun(fn, event);
    if (opts.idempotency) {
      const key = `${fn.id()}:${JSON.stringify(lookup(opts.idempotency, { event }))}`;
      if (this.seenIdempotencyKeys.has(key)) return run;
      this.seenIdempotencyKeys.add(key);
    }
    if (opts.singleton) {
      const key = JSON.stringify(opts.singleton.key ? lookup(opts.singleton.key, { event }) : null);
      const active = this.runs.some((other) => other.fn === fn && other.status === "running" && JSON.stringify(opts.singleton!.key ? lookup(opts.singleton!.key, { event: other.trigger }) : null) === key);
      if (active && opts.singleton.mode === "skip") return run;
    }
    this.runs.push(run);
    void this.drive(run).catch((error: unknown) => run.end("failed", { error }));
    return run;
  }

  private async drive(run: ServerRun): Promise<void> {
    const retries = (run.fn.opts as { retries?: number }).retries ?? 3;
    const engine = new SingleExecutionEngine({ function: servedAs(run, retries + 1), events: [run.trigger] });
    while (run.status === "running") {
      if (this.paused) await this.paused.until;
      const result = await engine.executeOnce();
      if (run.status !== "running") return;
      switch (result.type) {
        case "function-resolved":
          run.end("completed", { output: result.data });
          return;
        case "function-rejected":
          if (result.retriable !== false && run.attempt < retries) {
            run.attempt++;
            await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** run.attempt)));
            continue;
          }
          run.end("failed", { error: result.error });
          return;
        case "step-ran": {
          const { step } = result;
          run.steps.push({ id: step.id, name: stepName(step), op: step.op, attempt: run.attempt });
          if (step.op === "StepError") {
            // Inngest backs off between attempts; a short pause keeps a failing step from spinning.
            run.attempt++;
            await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** run.attempt)));
          } else run.remember(step, step.op === "StepFailed" ? { error: step.error } : { data: step.data });
          await this.holdIfAsked(step, run);
          continue;
        }
        case "steps-found":
          for (const op of result.steps) {
            run.steps.push({ id: op.id, name: stepName(op), op: op.op, attempt: run.attempt });
            await this.holdIfAsked(op, run);
            if (run.status !== "running") return;
            await this.settle(op, run);
          }
          continue;
        default:
          throw new Error(`The SDK answered ${result.type}, which this test server does not handle`);
      }
    }
  }

  private async holdIfAsked(op: FoundOp, run: ServerRun): Promise<void> {
    const index = this.holds.findIndex((hold) => hold.when(op, run));
    if (index < 0) return;
    const [hold] = this.holds.splice(index, 1);
    hold!.arrive(run);
    await hold!.released;
  }

  /** Does what the server does with a step the SDK reported but did not run. */
  private async settle(op: FoundOp, run: ServerRun): Promise<void> {
    switch (op.op) {
      case "WaitForEvent": {
        const timeoutMs = durationMs(op.opts?.timeout ?? "0s");
        const event = await new Promise<ServerEvent | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), timeoutMs);
          run.wait = {
            op,
            resolve: (value) => {
              clearTimeout(timer);
              resolve(value);
            },
          };
        });
        run.wait = undefined;
        run.remember(op, { data: event });
        return;
      }
      case "Sleep": {
        const name = op.name ?? "0s";
        const ms = /^\d{4}-/.test(name) ? Math.max(0, Date.parse(name) - Date.now()) : durationMs(name);
        await new Promise((resolve) => setTimeout(resolve, ms));
        run.remember(op, { data: null });
        return;
      }
      case "RunComplete":
        run.end("completed", { output: op.data });
        return;
      case "StepError":
      case "StepFailed":
        run.end("failed", { error: op.error });
        return;
      default:
        throw new Error(`The SDK reported a ${op.op} step, which this test server does not handle`);
    }
  }
}

/**
 * The function as the server calls it: with the memoized steps and the attempt number the server
 * tracks. (InngestTestEngine hands memoized steps to the SDK as promises, which inngest 4's
 * waitForEvent schema check reads as an event without a name, and always says attempt 0.)
 */
function servedAs(run: ServerRun, maxAttempts: number): AnyFunction {
  return new Proxy(run.fn, {
    get(target, prop) {
      if (prop !== "createExecution") return Reflect.get(target, prop);
      const createExecution = Reflect.get(target, prop) as (options: { partialOptions: Record<string, unknown> }) => unknown;
      return (options: { partialOptions: Record<string, unknown> }) =>
        createExecution.call(target, {
          ...options,
          partialOptions: {
            ...options.partialOptions,
            data: { ...(options.partialOptions.data as object), attempt: run.attempt, maxAttempts },
            // Fresh objects per request, as the server's JSON would be: the SDK marks them as it replays.
            stepState: Object.fromEntries(Object.entries(run.memo).map(([id, step]) => [id, { ...step }])),
            stepCompletionOrder: [...run.order],
          },
        });
    },
  });
}

function stepName(op: FoundOp): string {
  return op.displayName ?? op.name ?? op.id;
}

function eventName(event: string | { name: string }): string {
  return typeof event === "string" ? event : event.name;
}

function triggersOf(fn: AnyFunction): { event: string; if?: string }[] {
  const triggers = (fn.opts.triggers ?? []) as ({ event?: string | { name: string }; if?: string; name?: string } & object)[];
  return triggers.flatMap((trigger) => {
    if ("event" in trigger && trigger.event) return [{ event: eventName(trigger.event), if: trigger.if }];
    if (typeof trigger.name === "string") return [{ event: trigger.name }];
    return [];
  });
}
