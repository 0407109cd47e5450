// use_browser on the Inngest engine: the real run-task function, run by @inngest/test's engine
// behind the in-process Inngest stand-in, calls use_browser, and the computer-use loop (its steps
// now Inngest's step.run) drives real Chromium through the fixture portal with the scripted model
// on each wire. Checked: the sign-in (the runtime types the secrets) and the CSV export, every
// turn's frame on the timeline, each model turn asked once although Inngest re-runs the function
// from the top for every step; a browser gone between steps (the next step on another instance)
// restored from the checkpoint; and an approved "Delete account" clicked once.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer, type ScriptedTurn } from "@/lib/agent/scripted-model/server";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { launchBrowser } from "@/lib/browser";
import { anthropicComputerModel, openAiComputerModel } from "@/lib/computer-use/computer-model";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { createDb, type Db } from "@/lib/db";
import { RUN_TASK_FUNCTION } from "@/lib/engine/inngest/names";
import { setPolicyRule } from "@/lib/policy/risk-policy";
import { createTask } from "@/lib/tasks/create-task";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import { createUseBrowserTool } from "@/lib/tools/browser-use/use-browser-tool";
import { startPortal, toCsv, type PortalServer } from "../fixtures/portal/portal-server";
import { ANTHROPIC_MODEL, OPENAI_MODEL, configureModelsInThisProcess, timeline, waitForPendingApproval, waitForStatus } from "../support/agent-harness";
import { computerUseScript, type BrowseKind, type ComputerUseScript } from "../support/computer-use-script";
import { createTestUser } from "../support/factories";
import { startInngestBackend, type InngestBackend } from "../support/inngest-backend";
import { testDatabase, type TestDatabase } from "../support/test-database";

configureModelsInThisProcess();
// The checkpoint's storage state is sealed with the secret store's key.
process.env.BATON_SECRET_KEY = Buffer.alloc(32, 9).toString("base64");

let pg: TestDatabase;
let db: Db;
let model: ScriptedModelServer;
let portal: PortalServer;
let browser: Browser;
let inngest: InngestBackend;
let computer: ComputerUseScript;
let userId: string;
const computerTurns = new Map<string, ScriptedTurn[]>();

beforeAll(async () => {
  pg = await testDatabase("use-browser-inngest");
  db = createDb(pg.url);
  portal = await startPortal();
  browser = await launchBrowser();
  computer = await computerUseScript({ portal, browser, turns: computerTurns });
  model = await startScriptedModelServer({ script: (turn) => computer.script(turn) });
  const useBrowser = createUseBrowserTool({
    db,
    browser: async () => browser,
    // The computer models on the scripted server's two wires, through the real SDKs.
    model: (run, from) =>
      run.provider === "anthropic"
        ? anthropicComputerModel(new Anthropic({ apiKey: "sk-ant-test-not-a-real-key-000000", baseURL: model.anthropicUrl }), { model: run.model, from })
        : openAiComputerModel(new OpenAI({ apiKey: "sk-test-not-a-real-key-000000", baseURL: model.url }), { model: run.model, from }),
  });
  inngest = startInngestBackend({ db, model, approvalTtlMs: 60_000, pollIntervalMs: 50, tools: [useBrowser] });
  userId = await createTestUser(db, "Clerk");
  await createCredential(db, { userId, input: { name: "portal", label: "Portal", origins: [portal.url], username: portal.username, password: portal.password, totpSecret: portal.totpSecret } });
  await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "allow" });
}, 120_000);

afterAll(async () => {
  inngest?.close();
  await Promise.allSettled([db?.$disconnect(), model?.close(), portal?.close(), browser?.close()]);
  await pg?.destroy();
});

async function startBrowseTask(kind: BrowseKind, wire: "openai" | "anthropic", start: string) {
  const { marker, prompt } = computer.prompt(kind, wire, start);
  const { task } = await createTask({ db, engine: inngest.dispatcher }, { userId, title: `Browse ${marker}`, prompt, ...(wire === "openai" ? OPENAI_MODEL : ANTHROPIC_MODEL) });
  const run = await db.run.findFirstOrThrow({ where: { taskId: task.id } });
  return { taskId: task.id, runId: run.id, marker };
}

const turnEvents = async (taskId: string) => (await timeline(db, taskId)).filter((event) => event.type === "computer.turn");

function diagnostics(runId: string): string {
  const run = inngest.server.runsOf(RUN_TASK_FUNCTION).find((candidate) => candidate.trigger.data.runId === runId);
  return run ? `${run.status}: ${run.steps.map((step) => `${step.name}(${step.op})`).join(" ")}${run.error ? ` error ${JSON.stringify(run.error)}` : ""}` : "no run";
}

describe("use_browser on Inngest", () => {
  test.each(["openai", "anthropic"] as const)("the %s wire: signs in, exports the CSV, every turn's frame on the timeline, each model turn asked once", { timeout: 120_000 }, async (wire) => {
    await setPolicyRule(db, { userId, scope: "tool", key: "use_browser", decision: "allow" });
    const { taskId, runId, marker } = await startBrowseTask("EXPORT", wire, "/login");
    await waitForStatus(db, taskId, "completed", undefined, 110_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${diagnostics(runId)}`);
    });
    const csv = await db.artifact.findFirstOrThrow({ where: { runId, name: { endsWith: ".csv" } } });
    const text = Buffer.from(csv.content).toString("utf8");
    expect(text).toBe(toCsv(portal.invoices.filter((invoice) => text.includes(invoice.id))));
    expect(text.split("\n").length).toBeGreaterThan(2);
    expect(computerTurns.get(marker)).toHaveLength(4);
    expect(await turnEvents(taskId)).toHaveLength(1 + (wire === "openai" ? 3 : 5 + 3 + 1));
    expect(JSON.stringify((await timeline(db, taskId)).map((event) => [event.message, event.data]))).not.toContain(portal.password);
    expect(await db.computerUseCheckpoint.count({ where: { runId } })).toBe(0);
  });

  test("the browser gone before a step (the next step on another instance): restored from the checkpoint, signed in, no turn asked again", { timeout: 120_000 }, async () => {
    await setPolicyRule(db, { userId, scope: "tool", key: "use_browser", decision: "allow" });
    // Before the second model turn: the sign-in turn is confirmed, and its cookies are only in the checkpoint once the browser goes.
    const held = inngest.server.hold((op) => op.op === "StepRun" && /^cu-.+-model-2$/.test(op.displayName ?? ""));
    const { taskId, runId, marker } = await startBrowseTask("EXPORT", "openai", "/login");
    await held.reached;
    for (const context of browser.contexts()) await context.close();
    held.release();
    await waitForStatus(db, taskId, "completed", undefined, 110_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${diagnostics(runId)}`);
    });
    const csv = await db.artifact.findFirstOrThrow({ where: { runId, name: { endsWith: ".csv" } } });
    expect(Buffer.from(csv.content).toString("utf8")).toMatch(/^id,month,customer,amount\n/);
    expect(computerTurns.get(marker)).toHaveLength(4);
    expect(await turnEvents(taskId)).toHaveLength(4);
  });

  test("an approved \"Delete account\": the run waits for the person, then clicks once", { timeout: 120_000 }, async () => {
    await setPolicyRule(db, { userId, scope: "tool", key: "use_browser", decision: null });
    const before = portal.deletions();
    const { taskId, runId } = await startBrowseTask("INJECT", "openai", "/account");
    const approval = await waitForPendingApproval(db, taskId);
    expect(approval).toMatchObject({ toolName: "use_browser", risk: "destructive" });
    expect(portal.deletions()).toBe(before);
    await decideApproval({ db, engine: inngest.dispatcher, tools: builtinArgumentValidator }, { userId, approvalId: approval.id, decision: "approve", via: "api" });
    // Inngest re-runs the function from the top for every step: on a loaded machine that is slow.
    await waitForStatus(db, taskId, "completed", undefined, 110_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${diagnostics(runId)}`);
    });
    expect(portal.deletions()).toBe(before + 1);
    expect((await turnEvents(taskId)).at(-1)!.message).toMatch(/Click at \d+,\d+: done/);
    expect(await db.effect.count({ where: { runId, tool: "use_browser" } })).toBe(1);
  });
});
