// run_playbook: the agent runs one of the installed browser playbooks by id. The call's risk is
// its riskiest step, so the person's policy for run_playbook at that class decides (ask, by
// default, for a playbook that pays or sends), and the approval card lists exactly what each
// high-impact step will click or type. The model gets each step's intent, URL and outcome, the
// artifacts' names and the text of the CSV files (what an export is for); never a secret, a
// selector's typed value from a credential, or an image.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "playwright-core";
import { openBrowserSession, type BrowserLimits, type BrowserPool, type BrowserRefusal, type BrowserSession } from "@/lib/browser";
import { resolveCredential } from "@/lib/credentials/resolve-credential";
import type { Db } from "@/lib/db";
import { openEffect, recordEffectOutcome } from "@/lib/effects/effect-journal";
import { bindPlaybook, type BoundPlaybook } from "@/lib/playbooks/bind-playbook";
import { describeStep } from "@/lib/playbooks/describe-step";
import { describePlaybooksForModel, runPlaybookInputSchema, type RunPlaybookInput } from "@/lib/playbooks/run-playbook-input";
import { PlaybookStepError, runPlaybook, type PlaybookRunHooks, type PlaybookRunResult, type StepRecord } from "@/lib/playbooks/run-playbook";
import type { Playbook } from "@/lib/playbooks/schema";
import { playbookSegment } from "@/lib/playbooks/segments";
import { highImpactSteps, isHighImpact } from "@/lib/playbooks/step-risk";
import { RISK_CLASSES } from "@/lib/policy/risk-policy";
import { redactSecrets } from "@/lib/redact";
import { appendEvent } from "@/lib/tasks/timeline";
import { ToolError, type RiskClass, type ToolCheckpoint, type ToolContext, type ToolDefinition, type ToolResult } from "../types";

export interface RunPlaybookToolOptions {
  db: Db;
  /** The installed playbooks (listPlaybooks); the one approved is the one run. */
  playbooks: readonly Playbook[];
  limits?: Partial<BrowserLimits>;
  actionTimeoutMs?: number;
  /** The worker's shared Chromium and its limit on runs at once; without one, each run launches its own. */
  browsers?: BrowserPool;
}

export const RUN_PLAYBOOK_TOOL = "run_playbook";
const NAME = RUN_PLAYBOOK_TOOL;

function bind(playbooks: readonly Playbook[], input: RunPlaybookInput): { ok: true; playbook: BoundPlaybook } | { ok: false; error: string } {
  const playbook = playbooks.find((candidate) => candidate.id === input.playbook);
  if (!playbook) return { ok: false, error: `There is no playbook ${input.playbook}. Installed: ${playbooks.map((p) => p.id).join(", ") || "none"}.` };
  const bound = bindPlaybook(playbook, input.parameters);
  return bound.ok ? { ok: true, playbook: bound.value } : { ok: false, error: `The playbook ${playbook.id} cannot run with these parameters: ${bound.errors.join("; ")}.` };
}

/** The risk of the steps outside the checkpoints: the high-impact steps are decided one by one. */
function riskOutsideCheckpoints(playbook: BoundPlaybook): RiskClass {
  return playbook.steps
    .filter((step) => !isHighImpact(step.risk))
    .reduce<RiskClass>((worst, step) => (RISK_CLASSES.indexOf(step.risk) > RISK_CLASSES.indexOf(worst) ? step.risk : worst), "read");
}

function sitesOf(playbook: BoundPlaybook): string {
  return playbook.origins.map((origin) => new URL(origin).host).join(", ");
}

/** Each high-impact step, for its own approval card: word for word what will be clicked or typed. */
function checkpointsOf(playbook: BoundPlaybook): ToolCheckpoint[] {
  return highImpactSteps(playbook).map((index) => {
    const step = playbook.steps[index]!;
    return {
      key: `step-${index + 1}`,
      risk: step.risk,
      target: `${playbook.id} on ${sitesOf(playbook)}, step ${index + 1} "${step.intent}": ${describeStep(step)}`,
      shown: { step: String(index + 1), intent: step.intent, action: describeStep(step) },
    };
  });
}

const ARTIFACT_KIND_BY_EXTENSION: Record<string, "csv" | "json" | "markdown"> = { ".csv": "csv", ".json": "json", ".md": "markdown" };

function stepShown(record: StepRecord) {
  return { step: record.index + 1, intent: record.intent, url: record.url, outcome: record.outcome, ...(record.error ? { error: record.error } : {}) };
}

interface StoredPicture {
  name: string;
  artifactId: string;
}

/** How much of each saved CSV the model reads: enough for a month of invoices or a metrics table. */
const CSV_CHARS_FOR_MODEL = 8_000;

function csvForModel(content: Buffer | string): string {
  const text = typeof content === "string" ? content : content.toString("utf8");
  return text.length <= CSV_CHARS_FOR_MODEL ? text : `${text.slice(0, CSV_CHARS_FOR_MODEL)}\n[… cut at ${CSV_CHARS_FOR_MODEL} of ${text.length} characters; the whole file is the artifact]`;
}

type RecordingHooks = PlaybookRunHooks & { screenshotOf: Map<number, StoredPicture>; csvText: Map<string, string> };

function hooksFor(db: Db, playbook: BoundPlaybook, context: ToolContext): RecordingHooks {
  const screenshotOf = new Map<number, StoredPicture>();
  const csvText = new Map<string, string>();
  return {
    screenshotOf,
    csvText,
    async secretFor(value, pageUrl) {
      const credential = await resolveCredential(db, { userId: context.userId, name: value.credential.name, origin: pageUrl });
      const { field } = value.credential;
      return field === "username" ? credential.username : field === "password" ? credential.password : credential.totp();
    },
    async beginHighImpact(step) {
      const effect = await openEffect(db, { runId: context.runId, callKey: `${context.idempotencyKey}/step-${step.index + 1}`, callId: `step-${step.index + 1}`, tool: NAME });
      if (effect.kind === "first") return { run: true, finish: (outcome) => recordEffectOutcome(db, { id: effect.id, outcome }) };
      if (effect.kind === "recorded") {
        return { run: false, completedBefore: effect.outcome.ok, reason: `an earlier attempt of this run already did this step (${effect.outcome.ok ? "done" : `failed: ${effect.outcome.output}`}); it is not repeated` };
      }
      return { run: false, completedBefore: false, reason: "an earlier attempt started this step and stopped before its outcome was known; it is not repeated, so check the site" };
    },
    async recorded(record) {
      const number = String(record.index + 1).padStart(2, "0");
      let screenshot: { artifactId: string; name: string; mimeType: string } | undefined;
      if (record.screenshot) {
        const { image, mimeType } = record.screenshot;
        // A later segment replays steps: its pictures get their own names, so each event keeps its own.
        const segment = context.segment ? `-segment-${context.segment}` : "";
        const name = `${playbook.id}${segment}-step-${number}.${mimeType === "image/png" ? "png" : "jpg"}`;
        const saved = await context.saveArtifact({ name, kind: mimeType === "image/png" ? "png" : "jpeg", content: image });
        screenshot = { artifactId: saved.id, name, mimeType };
        screenshotOf.set(record.index, { name, artifactId: saved.id });
      }
      await appendEvent(db, {
        taskId: context.taskId,
        runId: context.runId,
        type: "playbook.step",
        actor: "agent",
        message: redactSecrets(`${playbook.id} step ${record.index + 1}: ${record.intent} (${record.outcome})${record.error ? `: ${record.error}` : ""}`).slice(0, 500),
        data: {
          playbook: playbook.id,
          step: record.index + 1,
          intent: redactSecrets(record.intent),
          description: redactSecrets(record.description),
          url: redactSecrets(record.url),
          durationMs: record.durationMs,
          outcome: record.outcome,
          ...(record.error ? { error: record.error } : {}),
          ...(screenshot ? { screenshot } : {}),
        },
      });
    },
    async produced(product) {
      const extension = path.extname(product.saveAs).toLowerCase();
      const content = "table" in product ? product.table : await readFile(product.download.path);
      await context.saveArtifact({ name: product.saveAs, kind: ARTIFACT_KIND_BY_EXTENSION[extension] ?? "file", content });
      if (extension === ".csv") csvText.set(product.saveAs, redactSecrets(csvForModel(content)));
      return product.saveAs;
    },
  };
}

/** What the model and the timeline get from one run (or segment): step records without pictures, artifact names, CSV text, refusals. */
function resultOf(
  playbook: BoundPlaybook,
  result: PlaybookRunResult,
  seen: {
    refusals: readonly BrowserRefusal[];
    screenshotOf: ReadonlyMap<number, StoredPicture>;
    csvText: ReadonlyMap<string, string>;
    /** The high-impact step this segment stopped before. */
    waitsAt?: number;
  },
): ToolResult {
  const refused = seen.refusals.map((refusal) => ({ url: refusal.url, reason: refusal.reason }));
  const stopped = result.stoppedAt ? `Stopped at step ${result.stoppedAt.index + 1}: ${result.stoppedAt.reason}.` : undefined;
  if (result.stoppedAt && !result.stoppedAt.completedBefore) throw new ToolError(`${playbook.title}: ${stopped}`);
  const waitsAt = stopped ? undefined : seen.waitsAt;
  const output = {
    playbook: playbook.id,
    steps: result.steps.map(stepShown),
    artifacts: result.artifacts,
    ...(seen.csvText.size > 0 ? { csv: Object.fromEntries(seen.csvText) } : {}),
    ...(refused.length > 0 ? { refused } : {}),
    ...(stopped ? { stopped } : {}),
    ...(waitsAt !== undefined ? { next: `Step ${waitsAt + 1} waits for the person's decision.` } : {}),
  };
  const done = result.steps.filter((step) => step.outcome === "done").length;
  const saved = result.artifacts.length > 0 ? `, saved ${result.artifacts.join(", ")}` : "";
  const waits = waitsAt !== undefined ? `; step ${waitsAt + 1} waits for approval` : "";
  const last = result.steps.at(-1);
  const picture = last ? seen.screenshotOf.get(last.index) : undefined;
  return {
    output,
    summary: redactSecrets(`${playbook.title}: ${done} of ${result.steps.length} steps done${saved}${waits}`),
    ...(stopped ? { final: true } : {}),
    // The approval card shows the page as it is: its URL and the last step's screenshot (an artifact of the task).
    ...(waitsAt !== undefined && last ? { next: { page: last.url, ...(picture ? { screenshot: picture.name, screenshotArtifactId: picture.artifactId } : {}) } } : {}),
  };
}

/** Trace parts larger than this are left out (the screenshots on the timeline remain). */
const MAX_TRACE_PART_BYTES = 10 * 1024 * 1024;

/** What the runtime refused goes on the timeline; the Playwright trace (secret fills left out by untraced()) becomes artifacts. */
async function keepRecording(db: Db, session: BrowserSession, context: ToolContext, traceName: string): Promise<void> {
  for (const refusal of session.refusals) {
    await appendEvent(db, {
      taskId: context.taskId,
      runId: context.runId,
      type: "browser.refused",
      actor: "system",
      message: redactSecrets(`The browser refused ${refusal.url}: ${refusal.reason}`).slice(0, 500),
      data: { url: redactSecrets(refusal.url), reason: refusal.reason },
    });
  }
  if (session.failure) return;
  const parts = await session.saveTrace().catch(() => []);
  for (const [index, part] of parts.entries()) {
    const zip = await readFile(part).catch(() => null);
    if (zip && zip.byteLength <= MAX_TRACE_PART_BYTES) await context.saveArtifact({ name: `${traceName}-part-${index + 1}.zip`, kind: "file", content: zip });
  }
}

/** One run (or segment) of a bound playbook in a fresh context: of the worker's shared browser, or of its own. */
async function runInBrowser(options: RunPlaybookToolOptions, playbook: BoundPlaybook, context: ToolContext, browser?: Browser): Promise<ToolResult> {
  const { db } = options;
  const session = await openBrowserSession({
    workspaceDir: context.workspaceDir,
    allowlist: playbook.origins.map((origin) => new URL(origin).host),
    adminAllowlist: context.httpAllowlist,
    limits: options.limits,
    trace: true,
    ...(browser ? { browser } : {}),
  });
  const hooks = hooksFor(db, playbook, context);
  // Called by the agent, a playbook with high-impact steps runs one segment per call; called directly, all of it.
  const segment = context.segment !== undefined ? playbookSegment(playbook, context.segment) : undefined;
  try {
    const result = await runPlaybook(session, playbook, hooks, { actionTimeoutMs: options.actionTimeoutMs, only: segment?.steps });
    return resultOf(playbook, result, { refusals: session.refusals, screenshotOf: hooks.screenshotOf, csvText: hooks.csvText, waitsAt: segment?.stopsBefore });
  } catch (error) {
    if (!(error instanceof PlaybookStepError)) throw error instanceof ToolError ? error : new ToolError(redactSecrets(`${playbook.title} failed: ${error instanceof Error ? error.message : String(error)}`));
    const { record } = error;
    const screenshot = hooks.screenshotOf.get(record.index)?.name;
    throw new ToolError(
      redactSecrets(`${playbook.title} failed at step ${record.index + 1} "${record.intent}" on ${record.url}: ${record.error}${screenshot ? ` (screenshot: ${screenshot})` : ""}`),
    );
  } finally {
    await keepRecording(db, session, context, `${playbook.id}-trace${context.segment !== undefined ? `-segment-${context.segment}` : ""}`);
    await session.close();
  }
}

export function createRunPlaybookTool(options: RunPlaybookToolOptions): ToolDefinition<typeof runPlaybookInputSchema> {
  const { playbooks } = options;
  return {
    name: NAME,
    description:
      "Run a known browser playbook: a fixed, reviewed path through a web site that has no API, in an isolated browser, signed in with " +
      "credentials you never see. Use it only when no direct tool fits. You get each step's intent, URL and outcome and the names of the " +
      `files it saved as artifacts, with the text of each CSV file. Installed playbooks:\n${describePlaybooksForModel(playbooks)}`,
    input: runPlaybookInputSchema,
    risk: (input) => {
      const bound = bind(playbooks, input);
      return bound.ok ? riskOutsideCheckpoints(bound.playbook) : "read";
    },
    target: (input) => {
      const bound = bind(playbooks, input);
      return bound.ok ? `${bound.playbook.id} on ${sitesOf(bound.playbook)}` : input.playbook;
    },
    checkpoints: (input) => {
      const bound = bind(playbooks, input);
      return bound.ok ? checkpointsOf(bound.playbook) : [];
    },
    // Only a playbook without high-impact steps may start again after failing part-way.
    idempotent: (input) => {
      const bound = bind(playbooks, input);
      return bound.ok && highImpactSteps(bound.playbook).length === 0;
    },
    async run(input, context) {
      const bound = bind(playbooks, input);
      if (!bound.ok) throw new ToolError(bound.error);
      const { browsers } = options;
      return browsers ? browsers.use((browser) => runInBrowser(options, bound.playbook, context, browser)) : runInBrowser(options, bound.playbook, context);
    },
  };
}
