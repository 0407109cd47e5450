// The executor: a bound playbook's steps, in order, in one browser session, each recorded with
// its URL, timing, outcome and a masked screenshot. Credential fills and the submit that sends
// them run untraced together (lib/browser's rule for secrets). A high-impact step goes through a
// guard first (the effect journal), so a step an earlier attempt reached is never run twice.
import type { Page } from "playwright-core";
import { screenshotStep, type BrowserSession, type StepScreenshot } from "@/lib/browser";
import { redactSecrets } from "@/lib/redact";
import type { BoundPlaybook, BoundStep, FillValue } from "./bind-playbook";
import { describeStep } from "./describe-step";
import { performStep, SECRET_FIELD_SELECTOR, type StepProduct } from "./perform-step";
import { isHighImpact } from "./step-risk";

/** Clicks, fills and checks give up after this long; a waitFor step has its own timeout. */
export const ACTION_TIMEOUT_MS = 5_000;

export type StepOutcome = "done" | "failed" | "not repeated";

export interface StepRecord {
  index: number;
  intent: string;
  description: string;
  url: string;
  durationMs: number;
  outcome: StepOutcome;
  /** Why the step failed or was not repeated, secrets redacted. */
  error?: string;
  screenshot?: StepScreenshot;
}

/** A high-impact step may run once: `run` says so and `finish` records that it did. */
export type HighImpactPermit = { run: true; finish(outcome: { ok: boolean; output: string }): Promise<void> } | { run: false; completedBefore: boolean; reason: string };

export interface PlaybookRunHooks {
  secretFor(value: Extract<FillValue, { credential: unknown }>, pageUrl: string): Promise<string>;
  beginHighImpact(step: BoundStep): Promise<HighImpactPermit>;
  /** Each step's record as it ends (the tool stores its screenshot and puts it on the timeline). */
  recorded(record: StepRecord): Promise<void>;
  /** A downloaded file or an extracted table, to keep as an artifact; returns the artifact's name. */
  produced(product: NonNullable<StepProduct>): Promise<string>;
}

export interface PlaybookRunResult {
  steps: StepRecord[];
  artifacts: string[];
  /** Set when the run stopped at a high-impact step an earlier attempt had already reached. */
  stoppedAt?: { index: number; completedBefore: boolean; reason: string };
}

export class PlaybookStepError extends Error {
  constructor(readonly record: StepRecord) {
    super(`Step ${record.index + 1} (${record.intent}) failed at ${record.url}: ${record.error}`);
    this.name = "PlaybookStepError";
  }
}

function isCredentialFill(step: BoundStep | undefined): boolean {
  return step?.action.type === "fill" && "credential" in step.action.value;
}

/** The steps in the order they run, credential fills grouped with the fills and the click that follow them. */
function untracedGroups(steps: readonly BoundStep[]): { untraced: boolean; steps: BoundStep[] }[] {
  const result: { untraced: boolean; steps: BoundStep[] }[] = [];
  for (let index = 0; index < steps.length; ) {
    if (!isCredentialFill(steps[index])) {
      result.push({ untraced: false, steps: [steps[index]!] });
      index += 1;
      continue;
    }
    let end = index;
    while (steps[end]?.action.type === "fill") end += 1;
    if (steps[end]?.action.type === "click" && !isHighImpact(steps[end]!.risk)) end += 1;
    result.push({ untraced: true, steps: steps.slice(index, end) });
    index = end;
  }
  return result;
}

/** Playwright's first lines ("locator.click: Timeout 5000ms exceeded." and what it waited for), not its whole call log. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split("\n").map((line) => line.trim()).filter((line) => line && line !== "Call log:");
  return redactSecrets(lines.slice(0, 2).join(" ")).slice(0, 400);
}

async function picture(page: Page): Promise<StepScreenshot | undefined> {
  return screenshotStep(page, { maskSelectors: [SECRET_FIELD_SELECTOR] }).catch(() => undefined);
}

export async function runPlaybook(
  session: BrowserSession,
  playbook: BoundPlaybook,
  hooks: PlaybookRunHooks,
  options: { actionTimeoutMs?: number; /** Indices of the steps to run (a segment, lib/playbooks/segments.ts); all by default. */ only?: readonly number[] } = {},
): Promise<PlaybookRunResult> {
  const page = await session.newPage();
  const env = { session, page, actionTimeoutMs: options.actionTimeoutMs ?? ACTION_TIMEOUT_MS, secretFor: hooks.secretFor };
  const result: PlaybookRunResult = { steps: [], artifacts: [] };

  const record = async (step: BoundStep, started: number, outcome: StepOutcome, error?: string) => {
    const entry: StepRecord = {
      index: step.index,
      intent: step.intent,
      description: describeStep(step),
      // A navigation that failed leaves the page where it was: the URL that matters is the one it tried.
      url: outcome === "failed" && step.action.type === "goto" ? step.action.url : page.url(),
      durationMs: Date.now() - started,
      outcome,
      ...(error !== undefined ? { error } : {}),
      screenshot: await picture(page),
    };
    result.steps.push(entry);
    await hooks.recorded(entry);
    return entry;
  };

  /** False when the run must stop here. */
  const runStep = async (step: BoundStep): Promise<boolean> => {
    const started = Date.now();
    const permit = isHighImpact(step.risk) ? await hooks.beginHighImpact(step) : undefined;
    if (permit && !permit.run) {
      await record(step, started, "not repeated", permit.reason);
      result.stoppedAt = { index: step.index, completedBefore: permit.completedBefore, reason: permit.reason };
      return false;
    }
    let product: StepProduct;
    try {
      product = await performStep(env, step.action);
    } catch (error) {
      const reason = reasonOf(error);
      // A high-impact step that threw may still have acted (the click landed, the answer did not).
      if (permit?.run) await permit.finish({ ok: false, output: reason });
      throw new PlaybookStepError(await record(step, started, "failed", reason));
    }
    if (permit?.run) await permit.finish({ ok: true, output: describeStep(step) });
    if (product) result.artifacts.push(await hooks.produced(product));
    await record(step, started, "done");
    return true;
  };

  const only = options.only;
  const steps = only ? playbook.steps.filter((step) => only.includes(step.index)) : playbook.steps;
  for (const group of untracedGroups(steps)) {
    const go = async () => {
      for (const step of group.steps) if (!(await runStep(step))) return false;
      return true;
    };
    const carryOn = group.untraced ? await session.untraced(go) : await go();
    if (!carryOn) break;
  }
  return result;
}
