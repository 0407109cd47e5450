// The computer-use loop as durable steps, one per model turn and one per computer call (or per
// segment of a call that stopped for a person's decision). Each step confirms its work by saving a
// checkpoint (conversation, the frame the model saw, the browser's URL and sealed storage); the
// browser itself lives in worker memory (run-browsers). A worker that resumes the run replays the
// recorded steps without touching the browser, then restores it from the last checkpoint and goes
// on: no action of a completed step runs again. Decisions are taken outside the steps, through the
// workflow's approval path, and the call is run again from the action that waited.
//
// The checkpoint is what confirms a step, not the engine's record of it: a step cut off after its
// checkpoint returns what the checkpoint says it returned. A step cut off before it restarts from
// the previous checkpoint, which may ask the model the same turn again (a model call is not an
// effect: nothing outside changes, only tokens are spent). A risky action (a submit, a payment, a
// deletion) is written in the effect journal before it runs, so the step's next attempt never
// does it a second time: it tells the model and lets it look at the page.
import type { Browser } from "playwright-core";
import { openBrowserSession, type BrowserSession } from "@/lib/browser";
import type { Db, DbTx } from "@/lib/db";
import type { PolicyDecision } from "@/lib/policy/risk-policy";
import { redactSecrets } from "@/lib/redact";
import { appendStepEvent } from "@/lib/tasks/timeline";
import type { DurableToolRun, DurableToolEnding, RiskClass } from "@/lib/tools/types";
import { awaitPerson, TAKEOVER_REQUEST_TOPIC } from "@/lib/takeover/await-person";
import type { ComputerCall } from "./action";
import { openEffect, recordEffectOutcome } from "@/lib/effects/effect-journal";
import { checkpointVersion, confirmedStep, dropCheckpoint, loadCheckpoint, saveCheckpoint, type SeenFrameRef } from "./checkpoint";
import type { ComputerConversation, ComputerModel, ModelStep } from "./computer-model";
import { describeAction, executeComputerCall, type ActionApproval, type ComputerEnvironment } from "./execute-call";
import { captureFrame, type Frame } from "./frame";
import { captureMarkedFrame, markOf, type FrameMark } from "./marked-frame";
import { registerRunBrowser, releaseRunBrowser, restoreRunBrowser, snapshotRunBrowser, type RunBrowser } from "./run-browsers";

export interface ComputerUseBudget {
  maxTurns: number;
  maxMs: number;
  maxTokens: number;
}

export const DEFAULT_COMPUTER_USE_BUDGET: ComputerUseBudget = { maxTurns: 40, maxMs: 15 * 60_000, maxTokens: 400_000 };

export interface DurableComputerUse {
  db: Db;
  run: DurableToolRun;
  userId: string;
  goal: string;
  startUrl: string;
  /** Hosts the run may open (the task's origins), and the admin's. */
  allowlist: string[];
  adminAllowlist: string[];
  browser(): Promise<Browser>;
  model(from?: ComputerConversation): ComputerModel;
  secretFor(reference: string, pageUrl: string): Promise<string | null>;
  budget: ComputerUseBudget;
}

/** What a call's step returns (JSON, replayed as is): never a frame's bytes. */
interface CallStepResult {
  done: boolean;
  waiting?: { index: number; risk: RiskClass; description: string; reasons: string[]; frameArtifactId: string; frameName: string; url: string };
  outcomes: string[];
}

interface Live {
  version: number;
  browser: RunBrowser;
  model: ComputerModel;
  seen: Frame;
  seenRef: SeenFrameRef;
  /** Downloads of this browser already saved as artifacts. */
  downloadsSaved: number;
}

const live = new Map<string, Live>();
const liveKey = (runId: string, key: string) => `${runId}/${key}`;

export async function runDurableComputerUse(cu: DurableComputerUse): Promise<DurableToolEnding> {
  const { run, db } = cu;
  const { ctx, context, key } = run;
  const { runId, taskId } = context;
  const started = await ctx.step(`cu-${key}-begin`, async () => Date.now());

  const saveFrame = async (frame: Frame, name: string) => (await context.saveArtifact({ name, kind: "png", content: frame.image })).id;

  /** Confirms a step: the checkpoint, what the step returns, and its timeline event, in one transaction. */
  const checkpoint: Checkpoint = async (state, step, event) => {
    state.version += 1;
    const snapshot = await snapshotRunBrowser(state.browser);
    const version = state.version;
    await db.$transaction(async (tx) => {
      await saveCheckpoint(tx, { runId, callKey: key, version, conversation: state.model.conversation(), seenFrame: state.seenRef, snapshot, step });
      if (event) await turnEvent(tx, event);
    });
    return step.result;
  };

  const openSession = async (): Promise<BrowserSession> =>
    openBrowserSession({ workspaceDir: context.workspaceDir, allowlist: cu.allowlist, adminAllowlist: cu.adminAllowlist, browser: await cu.browser() });

  /** The call's browser and model in this worker: kept while they match the checkpoint, rebuilt from it otherwise. */
  const ensureLive = async (): Promise<Live> => {
    const id = liveKey(runId, key);
    const held = live.get(id);
    const version = await checkpointVersion(db, { runId, callKey: key });
    if (held && held.version === version && !held.browser.page.isClosed() && !held.browser.session.failure) return held;
    if (held) await closeLive(runId, key);
    const saved = await loadCheckpoint(db, { runId, callKey: key });
    if (!saved) throw new Error("The browser call has no checkpoint to resume from.");
    const session = await openSession();
    try {
      const page = await restoreRunBrowser(session, saved.snapshot);
      const artifact = await db.artifact.findUniqueOrThrow({ where: { id: saved.seenFrame.artifactId }, select: { content: true } });
      const seen: Frame = { image: Buffer.from(artifact.content), mimeType: "image/png", scale: saved.seenFrame.scale, url: saved.seenFrame.url, takenAt: new Date() };
      const state: Live = { version: saved.version, browser: registerRunBrowser(runId, session, page), model: cu.model(saved.conversation), seen, seenRef: saved.seenFrame, downloadsSaved: 0 };
      live.set(id, state);
      return state;
    } catch (error) {
      await session.close();
      throw error;
    }
  };

  // Opening: the start page, its frame (the first picture on the timeline), the goal given to the model.
  await ctx.step(`cu-${key}-open`, async () => {
    const confirmed = await confirmedStep(db, { runId, callKey: key, stepKey: `cu-${key}-open` });
    if (confirmed) return confirmed.result as { url: string };
    await closeLive(runId, key);
    const session = await openSession();
    const page = await session.newPage();
    await session.goto(page, cu.startUrl);
    const frame = await session.run(() => captureFrame(page));
    const name = `browser-${key}-start.png`;
    const artifactId = await saveFrame(frame, name);
    const model = cu.model();
    model.begin(cu.goal, frame);
    const state: Live = { version: 0, browser: registerRunBrowser(runId, session, page), model, seen: frame, seenRef: { artifactId, scale: frame.scale, url: frame.url }, downloadsSaved: 0 };
    live.set(liveKey(runId, key), state);
    const event = { taskId, runId, stepKey: `cu-${key}-open`, message: `Browser opened ${frame.url}`, screenshot: { artifactId, name }, data: { turn: 0, url: frame.url } };
    return checkpoint(state, { key: `cu-${key}-open`, result: { url: frame.url } }, event);
  });
  // The policy for each risk class, read once for the call: the actions inside it are judged by it.
  const policies: Partial<Record<RiskClass, PolicyDecision>> = {};
  for (const risk of ["write", "external", "destructive"] as const) policies[risk] = await run.decide(risk);

  /** The model (or the task page) asked for a person: wait for the hand-back, then show the model the page as the person left it. */
  const personTurn = async (stepKey: string, reason: string, callId?: string): Promise<DurableToolEnding | null> => {
    // Outside any step on purpose: a worker that picks the run up during the wait (a restart mid
    // takeover) replays to here and restores the browser, so the person has a page to drive
    // (currentRunPage). Once the call is over there is no checkpoint, and nothing is opened.
    await ensureLive().catch(() => undefined);
    const result = await awaitPerson(ctx, { db, notify: run.notify }, { taskId, runId, userId: cu.userId, key: `${key}-${stepKey}`, reason });
    if (result.outcome === "canceled") return { kind: "canceled" };
    if (result.outcome === "expired") return { kind: "error", message: `Nobody took over the browser in time (${reason}).` };
    const note = result.note ? `The person handed the browser back with a note: ${result.note}` : "The person handed the browser back.";
    await ctx.step(`cu-${key}-person-${stepKey}`, async () => {
      if (await confirmedStep(db, { runId, callKey: key, stepKey: `cu-${key}-person-${stepKey}` })) return;
      const state = await ensureLive();
      const frame = await state.browser.session.run(() => captureFrame(state.browser.page));
      const name = `browser-${key}-person-${stepKey}.png`;
      const artifactId = await saveFrame(frame, name);
      if (callId) state.model.recordPerson(callId, note);
      state.model.tell(`${callId ? "" : `${note} `}This is the page now.`, frame);
      state.seen = frame;
      state.seenRef = { artifactId, scale: frame.scale, url: frame.url };
      const event = { taskId, runId, stepKey: `cu-${key}-person-${stepKey}`, message: redactSecrets(`${note} The agent goes on from ${frame.url}.`).slice(0, 500), screenshot: { artifactId, name }, data: { url: frame.url } };
      await checkpoint(state, { key: `cu-${key}-person-${stepKey}`, result: {} }, event);
    });
    return null;
  };

  let tokens = 0;
  let ending: DurableToolEnding | undefined;
  let report = "";
  let turnsTaken = 0;
  try {
    for (let turn = 1; ; turn++) {
      // The task page's "Take over" arrives between turns.
      const takeover = await ctx.waitForSignal<{ reason?: string }>(TAKEOVER_REQUEST_TOPIC, { timeoutMs: 0 });
      if (takeover !== null) {
        const handed = await personTurn(`${turn}-takeover`, takeover.reason ?? "You asked to take over from the task page.");
        if (handed) return (ending = handed);
      }
      const stepped = await ctx.step(
        `cu-${key}-model-${turn}`,
        async () => {
          const confirmed = await confirmedStep(db, { runId, callKey: key, stepKey: `cu-${key}-model-${turn}` });
          if (confirmed) return confirmed.result as ModelStep;
          const state = await ensureLive();
          const step = await state.model.next();
          return checkpoint(state, { key: `cu-${key}-model-${turn}`, result: step });
        },
        { retries: 1 },
      );
      turnsTaken = turn;
      tokens += stepped.usage.inputTokens + stepped.usage.outputTokens;
      report = stepped.text;
      if (stepped.calls.length === 0 && !stepped.askPerson) break;
      const over =
        turn > cu.budget.maxTurns ? `its budget of ${cu.budget.maxTurns} turns` :
        tokens > cu.budget.maxTokens ? `its budget of ${cu.budget.maxTokens} tokens (${tokens} used)` :
        (await ctx.step(`cu-${key}-clock-${turn}`, async () => Date.now())) - started > cu.budget.maxMs ? `its time budget of ${Math.round(cu.budget.maxMs / 60_000)} minutes` : null;
      if (over) {
        await ctx.step(`cu-${key}-budget`, () => turnEvent(db, { taskId, runId, stepKey: `cu-${key}-budget`, message: `The browser run stopped: it reached ${over}.`, data: { turn } }));
        report = `Stopped: the browser run reached ${over} before the goal was done.${report ? ` Last words of the model: ${report}` : ""}`;
        ending = { kind: "error", message: report };
        break;
      }
      for (const [index, call] of stepped.calls.entries()) {
        const stopped = await runCall(cu, ensureLive, checkpoint, saveFrame, policies, { turn, index, call });
        if (stopped) return (ending = stopped);
      }
      if (stepped.askPerson) {
        const handed = await personTurn(`${turn}-ask`, stepped.askPerson.reason, stepped.askPerson.callId);
        if (handed) return (ending = handed);
      }
    }
    const finished = await ctx.step(`cu-${key}-finish`, async () => {
      const state = live.get(liveKey(runId, key));
      const url = state?.browser.page.url() ?? null;
      const refusals = state?.browser.session.refusals.map((refusal) => ({ url: refusal.url, reason: refusal.reason })) ?? [];
      const saved = (await db.artifact.findMany({ where: { runId, name: { startsWith: `browser-${key}-download-` } }, select: { name: true }, orderBy: { createdAt: "asc" } })).map((row) => row.name);
      await closeLive(runId, key);
      await dropCheckpoint(db, { runId, callKey: key });
      return { url, refusals, saved };
    });
    if (ending) return ending;
    const output = { report: redactSecrets(report), turns: turnsTaken, tokens, url: finished.url, artifacts: finished.saved, ...(finished.refusals.length > 0 ? { refused: finished.refusals } : {}) };
    const saved = finished.saved.length > 0 ? `, saved ${finished.saved.join(", ")}` : "";
    return { kind: "result", result: { output, summary: redactSecrets(`${turnsTaken} turns${saved}: ${report}`).slice(0, 300) } };
  } finally {
    // The call is over for this worker (its waits happen inside): no browser stays behind.
    await closeLive(runId, key);
  }
}

async function closeLive(runId: string, key: string): Promise<void> {
  const id = liveKey(runId, key);
  const held = live.get(id);
  if (!held) return;
  live.delete(id);
  releaseRunBrowser(runId);
  await held.browser.session.close();
}

type TurnEvent = { taskId: string; runId: string; stepKey: string; message: string; screenshot?: { artifactId: string; name: string }; data: Record<string, unknown> };
type Checkpoint = <T extends object>(state: Live, step: { key: string; result: T }, event?: TurnEvent) => Promise<T>;

/** One computer call, run in segments: each stops at an action that waits for a person, asked outside the step. */
async function runCall(
  cu: DurableComputerUse,
  ensureLive: () => Promise<Live>,
  checkpoint: Checkpoint,
  saveFrame: (frame: Frame, name: string) => Promise<string>,
  policies: Partial<Record<RiskClass, PolicyDecision>>,
  params: { turn: number; index: number; call: ComputerCall },
): Promise<DurableToolEnding | null> {
  const { run, db } = cu;
  const { ctx, context, key } = run;
  const { turn, index, call } = params;
  const decided = new Map<number, boolean>();
  for (let from = 0, segment = 1; ; segment++) {
    const stepKey = `cu-${key}-act-${turn}-${index + 1}-from-${from + 1}`;
    // The segment after a decision may start at the same action (and so share the step's name): the checkpoint tells them apart.
    const confirmKey = `${stepKey}#${segment}`;
    const picture = (what: string) => `browser-${key}-turn-${String(turn).padStart(2, "0")}-${index + 1}-${from + 1}-${what}.png`;
    const result: CallStepResult = await ctx.step(stepKey, async () => {
      const confirmed = await confirmedStep(db, { runId: context.runId, callKey: key, stepKey: confirmKey });
      if (confirmed) return confirmed.result as CallStepResult;
      const state = await ensureLive();
      const marks: FrameMark[] = [];
      let marked: { artifactId: string; name: string } | undefined;
      const env: ComputerEnvironment = {
        session: state.browser.session,
        page: state.browser.page,
        secretFor: cu.secretFor,
        async authorize(request: ActionApproval, at: number) {
          const decision = policies[request.risk] ?? "allow";
          if (decision === "allow") return true;
          if (decision === "deny") return false;
          return decided.get(at) ?? "pause";
        },
        async beforeAction(action, point) {
          const mark = markOf(action, state.seen.scale, point);
          if (!mark) return;
          // "Click at 812,440": the coordinates as the model named them, on the picture of the frame it saw.
          if (mark.points.length > 0) mark.label = describeAction(action, null);
          marks.push(mark);
          // The first action's picture is the turn's: the page as it was, the action drawn on it.
          if (marked) return;
          const frame = await state.browser.session.run(() => captureMarkedFrame(state.browser.page, mark));
          const name = picture("action");
          marked = { artifactId: await saveFrame(frame, name), name };
        },
        // Written down before the action runs: this step's next attempt (after a crash) finds it and does not repeat it.
        async beginRisky(request, at) {
          const effect = await openEffect(db, { runId: context.runId, callKey: `${context.idempotencyKey}/act-${turn}-${index + 1}-${at + 1}`, callId: `${call.callId}/${at + 1}`, tool: "use_browser" });
          if (effect.kind === "first") return { run: true, finish: (outcome) => recordEffectOutcome(db, { id: effect.id, outcome }) };
          if (effect.kind === "recorded") {
            return { run: false, reason: `Baton already did this before a restart (${effect.outcome.ok ? "done" : `it failed: ${effect.outcome.output}`}), so it was not done again; the browser was reopened at the last confirmed page` };
          }
          return { run: false, reason: "Baton had started this before a restart and may have done it, so it was not done again; the browser was reopened at the last confirmed page" };
        },
      };
      const refusedBefore = state.browser.session.refusals.length;
      const executed = await executeComputerCall({ ...env, page: state.browser.page }, call, state.seen, { from });
      const outcomes = executed.actions.slice(from).map((record) => `${describeAction(record.action, null)}: ${record.outcome}${record.note ? ` (${redactSecrets(record.note)})` : ""}`);
      // Where the page tried to go and was not let (a link, a redirect, a popup off the origins): on the timeline, and told to the model.
      const refused = state.browser.session.refusals.slice(refusedBefore).map((refusal) => ({ url: redactSecrets(refusal.url), reason: refusal.reason }));
      for (const refusal of refused) outcomes.push(`refused ${refusal.url} (${refusal.reason})`);
      if (refused.length > 0) executed.note = [executed.note, ...refused.map((refusal) => `Baton refused to open ${refusal.url}: ${refusal.reason}.`)].filter(Boolean).join(" ");
      if (executed.waiting) {
        // The person decides on the frame the model saw, with the target's box drawn on the page as it is now.
        const { request } = executed.waiting;
        const box = request.targetBox;
        const mark: FrameMark = box
          ? { kind: "box", points: [{ x: box.x, y: box.y }, { x: box.x + box.width, y: box.y + box.height }], label: request.description }
          : { kind: "type", points: [], label: request.description };
        const frame = await state.browser.session.run(() => captureMarkedFrame(state.browser.page, mark));
        const name = picture("approval");
        const artifactId = await saveFrame(frame, name);
        const waiting = { index: executed.waiting.index, risk: request.risk, description: request.description, reasons: request.reasons, frameArtifactId: artifactId, frameName: name, url: state.browser.page.url() };
        return checkpoint(state, { key: confirmKey, result: { done: false, waiting, outcomes } satisfies CallStepResult });
      }
      const name = picture("after");
      const artifactId = await saveFrame(executed.frame, name);
      // What the call downloaded becomes an artifact of the run now: the browser may not outlive the next crash.
      const downloads = await state.browser.session.settledDownloads();
      for (const file of downloads.slice(state.downloadsSaved)) {
        const { readFile } = await import("node:fs/promises");
        const saved = `browser-${key}-download-${file.suggestedFilename}`;
        await context.saveArtifact({ name: saved, kind: saved.endsWith(".csv") ? "csv" : "file", content: await readFile(file.path) });
      }
      state.downloadsSaved = downloads.length;
      state.model.record(executed);
      state.seen = executed.frame;
      state.seenRef = { artifactId, scale: executed.frame.scale, url: executed.frame.url };
      const shown = marked ?? { artifactId, name };
      return checkpoint(state, { key: confirmKey, result: { done: true, outcomes } satisfies CallStepResult }, {
        taskId: context.taskId,
        runId: context.runId,
        stepKey,
        message: redactSecrets(`Browser turn ${turn}: ${outcomes.join("; ")}`).slice(0, 500),
        screenshot: shown,
        data: { turn, call: index + 1, url: executed.frame.url, marks: marks as unknown as object[], after: { artifactId, name }, actions: outcomes, ...(refused.length > 0 ? { refused } : {}) },
      });
    });
    if (result.done || !result.waiting) return null;
    const waiting = result.waiting;
    const asked = await run.ask({
      key: `act-${turn}-${index + 1}-${waiting.index + 1}`,
      risk: waiting.risk,
      target: `${waiting.description} on ${new URL(waiting.url).host}`,
      reason: `${waiting.reasons.join("; ")}. The goal: ${cu.goal}`.slice(0, 500),
      shownArguments: { goal: cu.goal, page: waiting.url, action: waiting.description, screenshot: waiting.frameName, screenshotArtifactId: waiting.frameArtifactId },
    });
    if (asked.decision === "canceled") return { kind: "canceled" };
    if (asked.decision === "expired") return { kind: "expired", reason: `Nobody decided on "${waiting.description}" in time, so the browser run stopped.` };
    decided.set(waiting.index, asked.decision === "approved");
    from = Math.max(0, waiting.index);
  }
}

async function turnEvent(db: DbTx, event: TurnEvent): Promise<void> {
  await appendStepEvent(db, {
    taskId: event.taskId,
    runId: event.runId,
    stepKey: event.stepKey,
    type: "computer.turn",
    actor: "agent",
    message: event.message,
    data: { ...event.data, ...(event.screenshot ? { screenshot: { ...event.screenshot, mimeType: "image/png" } } : {}) } as never,
  });
}
