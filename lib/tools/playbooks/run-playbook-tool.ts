// run_playbook: the agent runs one of the installed browser playbooks by id. The call's risk is
// its riskiest step, so the person's policy for run_playbook at that class decides (ask, by
// default, for a playbook that pays or sends), and the approval card lists exactly what each
// high-impact step will click or type. The model gets each step's intent, URL and outcome and the
// artifacts' names; never a secret, a selector's typed value from a credential, or an image.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { openBrowserSession, type BrowserLimits } from "@/lib/browser";
import { resolveCredential } from "@/lib/credentials/resolve-credential";
import type { Db } from "@/lib/db";
import { openEffect, recordEffectOutcome } from "@/lib/effects/effect-journal";
import { bindPlaybook, type BoundPlaybook } from "@/lib/playbooks/bind-playbook";
import { describeStep } from "@/lib/playbooks/describe-step";
import { describePlaybooksForModel, runPlaybookInputSchema, type RunPlaybookInput } from "@/lib/playbooks/run-playbook-input";
import { PlaybookStepError, runPlaybook, type PlaybookRunHooks, type StepRecord } from "@/lib/playbooks/run-playbook";
import type { Playbook } from "@/lib/playbooks/schema";
import { highImpactSteps } from "@/lib/playbooks/step-risk";
import { RISK_CLASSES } from "@/lib/policy/risk-policy";
import { redactSecrets } from "@/lib/redact";
import { appendEvent } from "@/lib/tasks/timeline";
import { ToolError, type RiskClass, type ToolContext, type ToolDefinition } from "../types";

export interface RunPlaybookToolOptions {
  db: Db;
  /** The installed playbooks (listPlaybooks); the one approved is the one run. */
  playbooks: readonly Playbook[];
  limits?: Partial<BrowserLimits>;
  actionTimeoutMs?: number;
}

const NAME = "run_playbook";

function bind(playbooks: readonly Playbook[], input: RunPlaybookInput): { ok: true; playbook: BoundPlaybook } | { ok: false; error: string } {
  const playbook = playbooks.find((candidate) => candidate.id === input.playbook);
  if (!playbook) return { ok: false, error: `There is no playbook ${input.playbook}. Installed: ${playbooks.map((p) => p.id).join(", ") || "none"}.` };
  const bound = bindPlaybook(playbook, input.parameters);
  return bound.ok ? { ok: true, playbook: bound.value } : { ok: false, error: `The playbook ${playbook.id} cannot run with these parameters: ${bound.errors.join("; ")}.` };
}

function riskiest(playbook: BoundPlaybook): RiskClass {
  return playbook.steps.reduce<RiskClass>((worst, step) => (RISK_CLASSES.indexOf(step.risk) > RISK_CLASSES.indexOf(worst) ? step.risk : worst), "read");
}

/** The approval card's target: the playbook and, word for word, what its high-impact steps do. */
function describeTarget(playbook: BoundPlaybook): string {
  const sites = playbook.origins.map((origin) => new URL(origin).host).join(", ");
  const impact = highImpactSteps(playbook).map((index) => {
    const step = playbook.steps[index]!;
    return `step ${index + 1} "${step.intent}": ${describeStep(step)}`;
  });
  return `${playbook.id} on ${sites}${impact.length > 0 ? `; high-impact: ${impact.join("; ")}` : ""}`;
}

const ARTIFACT_KIND_BY_EXTENSION: Record<string, "csv" | "json" | "markdown"> = { ".csv": "csv", ".json": "json", ".md": "markdown" };

function stepShown(record: StepRecord) {
  return { step: record.index + 1, intent: record.intent, url: record.url, outcome: record.outcome, ...(record.error ? { error: record.error } : {}) };
}

function hooksFor(db: Db, playbook: BoundPlaybook, context: ToolContext): PlaybookRunHooks & { screenshotOf: Map<number, string> } {
  const screenshotOf = new Map<number, string>();
  return {
    screenshotOf,
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
        const name = `${playbook.id}-step-${number}.${mimeType === "image/png" ? "png" : "jpg"}`;
        const saved = await context.saveArtifact({ name, kind: mimeType === "image/png" ? "png" : "jpeg", content: image });
        screenshot = { artifactId: saved.id, name, mimeType };
        screenshotOf.set(record.index, name);
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
      return product.saveAs;
    },
  };
}

export function createRunPlaybookTool(options: RunPlaybookToolOptions): ToolDefinition<typeof runPlaybookInputSchema> {
  const { db, playbooks } = options;
  return {
    name: NAME,
    description:
      "Run a known browser playbook: a fixed, reviewed path through a web site that has no API, in an isolated browser, signed in with " +
      "credentials you never see. Use it only when no direct tool fits. You get each step's intent, URL and outcome and the names of the " +
      `files it saved as artifacts. Installed playbooks:\n${describePlaybooksForModel(playbooks)}`,
    input: runPlaybookInputSchema,
    risk: (input) => {
      const bound = bind(playbooks, input);
      return bound.ok ? riskiest(bound.playbook) : "read";
    },
    target: (input) => {
      const bound = bind(playbooks, input);
      return bound.ok ? describeTarget(bound.playbook) : input.playbook;
    },
    // Only a playbook without high-impact steps may start again after failing part-way.
    idempotent: (input) => {
      const bound = bind(playbooks, input);
      return bound.ok && highImpactSteps(bound.playbook).length === 0;
    },
    async run(input, context) {
      const bound = bind(playbooks, input);
      if (!bound.ok) throw new ToolError(bound.error);
      const playbook = bound.playbook;
      const session = await openBrowserSession({
        workspaceDir: context.workspaceDir,
        allowlist: playbook.origins.map((origin) => new URL(origin).host),
        adminAllowlist: context.httpAllowlist,
        limits: options.limits,
      });
      const hooks = hooksFor(db, playbook, context);
      try {
        const result = await runPlaybook(session, playbook, hooks, { actionTimeoutMs: options.actionTimeoutMs });
        const refused = session.refusals.map((refusal) => ({ url: refusal.url, reason: refusal.reason }));
        const output = {
          playbook: playbook.id,
          steps: result.steps.map(stepShown),
          artifacts: result.artifacts,
          ...(refused.length > 0 ? { refused } : {}),
          ...(result.stoppedAt ? { stopped: `Stopped at step ${result.stoppedAt.index + 1}: ${result.stoppedAt.reason}.` } : {}),
        };
        if (result.stoppedAt && !result.stoppedAt.completedBefore) throw new ToolError(`${playbook.title}: ${output.stopped}`);
        const done = result.steps.filter((step) => step.outcome === "done").length;
        return { output, summary: redactSecrets(`${playbook.title}: ${done} of ${playbook.steps.length} steps done${result.artifacts.length > 0 ? `, saved ${result.artifacts.join(", ")}` : ""}`) };
      } catch (error) {
        if (!(error instanceof PlaybookStepError)) throw error instanceof ToolError ? error : new ToolError(redactSecrets(`${playbook.title} failed: ${error instanceof Error ? error.message : String(error)}`));
        const { record } = error;
        const screenshot = hooks.screenshotOf.get(record.index);
        throw new ToolError(
          redactSecrets(`${playbook.title} failed at step ${record.index + 1} "${record.intent}" on ${record.url}: ${record.error}${screenshot ? ` (screenshot: ${screenshot})` : ""}`),
        );
      } finally {
        await session.close();
      }
    },
  };
}
