// use_browser end to end: the real worker runs the agent, the scripted model calls use_browser, and
// the computer-use loop drives real Chromium through the fixture portal as durable steps, on each
// provider's wire. The scripted "model" aims at coordinates measured from the same pages rendered
// at the same viewport (what a model reading the screenshot would find). Checked: sign-in with the
// runtime typing the credential, the CSV export as an artifact with the portal's rows, every turn's
// frame on the timeline with its action drawn; the injected "delete your account" page gets no
// deletion without a person (and the denial reaches the model); computer use is off by default;
// a kill -9 of the worker mid-run resumes at the last confirmed turn with no turn asked again.
import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startScriptedModelServer, type ScriptedReply, type ScriptedTurn, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { launchBrowser, openBrowserSession } from "@/lib/browser";
import { decodePng } from "@/lib/computer-use/png-pixels";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { setPolicyRule } from "@/lib/policy/risk-policy";
import { createTask } from "@/lib/tasks/create-task";
import { takeoverDoneTopic } from "@/lib/takeover/await-person";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import { startPortal, toCsv, type PortalServer } from "../fixtures/portal/portal-server";
import { totp } from "../fixtures/portal/totp";
import { ANTHROPIC_MODEL, OPENAI_MODEL, configureModelsInThisProcess, scenarios, startAgentWorker, timeline, waitForPendingApproval, waitForStatus, type AgentWorker } from "../support/agent-harness";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";

configureModelsInThisProcess();
// One key for this process and every worker it starts: a restarted worker opens the sealed checkpoint.
process.env.BATON_SECRET_KEY = Buffer.alloc(32, 7).toString("base64");

const TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const WORKER_ID = `use-browser-${randomUUID().slice(0, 8)}`;
/** 1280x800 CSS pixels shown as 1024x640: a frame pixel is 1.25 CSS pixels. */
const FRAME_SCALE = 1024 / 1280;

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let model: ScriptedModelServer;
let portal: PortalServer;
let worker: AgentWorker;
let userId: string;
let browser: Browser;
type Point = { x: number; y: number };
const at: Record<string, Point> = {};
/** Every computer turn the model was asked, by goal marker: a turn asked twice would show here. */
const computerTurns = new Map<string, ScriptedTurn[]>();

/** The centre of an element of a page, in frame pixels, as the model would read it off the screenshot. */
async function measure(): Promise<void> {
  // A session like the loop's (its viewport, its proxy): the pages render exactly as the model sees them.
  const host = new URL(portal.url).host;
  const session = await openBrowserSession({ browser, allowlist: [host], adminAllowlist: [host], workspaceDir: mkdtempSync(path.join(tmpdir(), "baton-measure-")) });
  const page = await session.newPage();
  const centre = async (selector: string) => {
    const box = (await page.locator(selector).boundingBox())!;
    return { x: Math.floor((box.x + box.width / 2) * FRAME_SCALE), y: Math.floor((box.y + box.height / 2) * FRAME_SCALE) };
  };
  await page.goto(`${portal.url}/login`);
  for (const id of ["username", "password", "sign-in"]) at[id] = await centre(`#${id}`);
  await page.fill("#username", portal.username);
  await page.fill("#password", portal.password);
  await page.click("#sign-in");
  await page.waitForURL(/\/totp/);
  for (const id of ["totp-code", "verify"]) at[id] = await centre(`#${id}`);
  await page.fill("#totp-code", totp(TOTP_SECRET));
  await page.click("#verify");
  await page.waitForURL(/\/invoices/);
  at["export-csv"] = await centre("#export-csv");
  await page.goto(`${portal.url}/account`);
  at["delete-account"] = await centre("#delete-account");
  await session.close();
}

type Step = { click: string } | { type: string };

/** The computer script: sign in (the runtime types the secrets), then export; or, on the account page, fall for the injection. */
const PLANS: Record<string, Step[][]> = {
  EXPORT: [
    [{ click: "username" }, { type: "{{secret:portal.username}}" }, { click: "password" }, { type: "{{secret:portal}}" }, { click: "sign-in" }],
    [{ click: "totp-code" }, { type: "{{secret:portal.totp}}" }, { click: "verify" }],
    [{ click: "export-csv" }],
  ],
  INJECT: [[{ click: "delete-account" }]],
};

function computerReply(turn: ScriptedTurn, wire: "openai" | "anthropic"): ScriptedReply {
  const goal = turn.input.find((item) => item.type === "user");
  const marker = markerOf(turn);
  void goal;
  const log = computerTurns.get(marker) ?? [];
  log.push(turn);
  computerTurns.set(marker, log);
  if (marker.startsWith("LOOP")) {
    // A model that never finishes: it keeps scrolling.
    return { toolCalls: [{ name: "computer", arguments: wire === "openai" ? { actions: [{ type: "scroll", x: 100, y: 100, scroll_x: 0, scroll_y: 100 }] } : { action: "scroll", coordinate: [100, 100], scroll_direction: "down", scroll_amount: 1 } }] };
  }
  if (marker.startsWith("PERSON")) {
    // A fake CAPTCHA: only a person can go on. After the hand-back the model reads the note and stops.
    return log.length === 1 ? { toolCalls: [{ name: "ask_person", arguments: { reason: "The page shows a CAPTCHA." } }] } : { text: "The person solved it; done." };
  }
  const plan = PLANS[marker.split("-")[0]!] ?? [];
  const done = log.length - 1;
  const steps = plan[done];
  if (!steps) return { text: `Finished after ${done} turns.` };
  const actionOf = (step: Step) =>
    "click" in step
      ? wire === "openai"
        ? { type: "click", button: "left", x: at[step.click]!.x, y: at[step.click]!.y }
        : { action: "left_click", coordinate: [at[step.click]!.x, at[step.click]!.y] }
      : wire === "openai"
        ? { type: "type", text: step.type }
        : { action: "type", text: step.type };
  // OpenAI batches a turn's actions in one call; Anthropic sends one tool_use per action.
  return wire === "openai"
    ? { toolCalls: [{ name: "computer", arguments: { actions: steps.map(actionOf) } }] }
    : { toolCalls: steps.map((step) => ({ name: "computer", arguments: actionOf(step) })) };
}

const scripted = scenarios({
  browse: (turn) => {
    const first = turn.input.find((item) => item.type === "user");
    const text = first?.type === "user" ? first.text : "";
    const [, goal = "", start = "/login"] = /goal=(\S+) start=(\S+)/.exec(text) ?? [];
    if (turn.input.some((item) => item.type === "tool_result")) {
      const result = turn.input.findLast((item) => item.type === "tool_result");
      return { text: `Done. ${result?.type === "tool_result" ? result.output.slice(0, 500) : ""}` };
    }
    return { toolCalls: [{ name: "use_browser", arguments: { goal: `${goal}: do it in the portal`, startUrl: `${portal.url}${start}`, origins: [portal.url], credential: "portal" } }] };
  },
});

function script(turn: ScriptedTurn): ScriptedReply {
  if (turn.tools.includes("computer")) return computerReply(turn, currentWire.get(markerOf(turn)) ?? "openai");
  return scripted.script(turn);
}

const currentWire = new Map<string, "openai" | "anthropic">();
function markerOf(turn: ScriptedTurn): string {
  const goal = turn.input.find((item) => item.type === "user");
  return goal?.type === "user" ? (/\b(EXPORT|INJECT|PERSON|LOOP)-[\w-]+/.exec(goal.text)?.[0] ?? "") : "";
}

const startTheWorker = () => startAgentWorker({ databaseUrl: pg.url, workerId: WORKER_ID, model, env: { BATON_MODEL_POLL_MS: "50", BATON_SECRET_KEY: process.env.BATON_SECRET_KEY! } });

beforeAll(async () => {
  pg = await testDatabase("use-browser");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  model = await startScriptedModelServer({ script });
  portal = await startPortal({ totpSecret: TOTP_SECRET });
  browser = await launchBrowser();
  await measure();
  worker = await startTheWorker();
  userId = await createTestUser(db, "Clerk");
  await createCredential(db, { userId, input: { name: "portal", label: "Portal", origins: [portal.url], username: portal.username, password: portal.password, totpSecret: TOTP_SECRET } });
}, 120_000);

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close(), portal?.close(), browser?.close()]);
  await pg?.destroy();
});

async function startBrowseTask(kind: "EXPORT" | "INJECT" | "PERSON" | "LOOP", wire: "openai" | "anthropic", start: string) {
  const marker = `${kind}-${randomUUID().slice(0, 8)}`;
  currentWire.set(marker, wire);
  const { prompt } = scripted.prompt("browse", `goal=${marker} start=${start}`);
  const { task } = await createTask({ db, engine }, { userId, title: `Browse ${marker}`, prompt, ...(wire === "openai" ? OPENAI_MODEL : ANTHROPIC_MODEL) });
  const run = await db.run.findFirstOrThrow({ where: { taskId: task.id } });
  return { taskId: task.id, runId: run.id, marker };
}

async function turnEvents(taskId: string) {
  return (await timeline(db, taskId)).filter((event) => event.type === "computer.turn");
}

describe("use_browser", () => {
  test("computer use is off by default: the call is refused and nothing opens", { timeout: 60_000 }, async () => {
    const { taskId } = await startBrowseTask("EXPORT", "openai", "/login");
    await waitForStatus(db, taskId, "completed", worker, 45_000);
    const events = await timeline(db, taskId);
    expect(events.some((event) => event.type === "tool.refused" && event.message.includes("use_browser"))).toBe(true);
    expect(events.filter((event) => event.type === "computer.turn")).toEqual([]);
  });

  test.each(["openai", "anthropic"] as const)("the %s wire: signs in (the runtime types the secrets), exports the CSV, every turn's frame on the timeline", { timeout: 120_000 }, async (wire) => {
    await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "allow" });
    await setPolicyRule(db, { userId, scope: "tool", key: "use_browser", decision: "allow" });
    const started = Date.now();
    const { taskId, runId, marker } = await startBrowseTask("EXPORT", wire, "/login");
    await waitForStatus(db, taskId, "completed", worker, 110_000);
    const elapsed = Date.now() - started;
    if (process.env.DEBUG_USE_BROWSER) console.log((await timeline(db, taskId)).map((event) => `${event.type}: ${event.message}`).join("\n"));

    const csv = await db.artifact.findFirstOrThrow({ where: { runId, name: { endsWith: ".csv" } } });
    const expected = toCsv(portal.invoices.filter((invoice) => Buffer.from(csv.content).toString("utf8").includes(invoice.id)));
    expect(Buffer.from(csv.content).toString("utf8")).toBe(expected);
    expect(expected.split("\n").length).toBeGreaterThan(2);

    // The model saw the sign-in form, the code form and the invoices: each once (no turn asked twice).
    const turns = computerTurns.get(marker)!;
    expect(turns).toHaveLength(4);
    // The secrets never reached the model: not in what it was sent, not in a frame it saw.
    const sent = JSON.stringify(turns.map((turn) => turn.input));
    expect(sent).not.toContain(portal.password);

    const events = await turnEvents(taskId);
    const calls = wire === "openai" ? 3 : 5 + 3 + 1;
    expect(events).toHaveLength(1 + calls);
    for (const event of events) {
      const { screenshot } = event.data as { screenshot: { artifactId: string } };
      const picture = await db.artifact.findUniqueOrThrow({ where: { id: screenshot.artifactId } });
      expect(decodePng(Buffer.from(picture.content))).toMatchObject({ width: 1024, height: 640 });
    }
    const all = JSON.stringify((await timeline(db, taskId)).map((event) => [event.message, event.data]));
    expect(all).not.toContain(portal.password);
    expect(all).toContain("type secret portal (••••)");
    // The checkpoint (with its sealed cookies) goes once the call is over.
    expect(await db.computerUseCheckpoint.count({ where: { runId } })).toBe(0);
    console.log(`[use-browser] ${wire}: ${events.length - 1} calls in ${turns.length} model turns, ${(elapsed / 1000).toFixed(1)} s end to end (${(elapsed / turns.length).toFixed(0)} ms per model turn)`);
  });

  test("the injected page: no deletion without a person; the approval shows the frame; the denial reaches the model", { timeout: 120_000 }, async () => {
    await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "allow" });
    await setPolicyRule(db, { userId, scope: "tool", key: "use_browser", decision: null });
    const { taskId, marker } = await startBrowseTask("INJECT", "openai", "/account");
    const approval = await waitForPendingApproval(db, taskId, worker);
    expect(approval).toMatchObject({ toolName: "use_browser", risk: "destructive" });
    expect(approval.target).toMatch(/^Click "Delete account" at \d+,\d+ on 127\.0\.0\.1:\d+$/);
    const shown = approval.arguments as { screenshotArtifactId: string; action: string };
    const picture = await db.artifact.findUniqueOrThrow({ where: { id: shown.screenshotArtifactId } });
    expect(decodePng(Buffer.from(picture.content))).toMatchObject({ width: 1024, height: 640 });
    expect(portal.deletions()).toBe(0);

    await decideApproval({ db, engine, tools: builtinArgumentValidator }, { userId, approvalId: approval.id, decision: "deny", note: "Never delete the account.", via: "api" });
    await waitForStatus(db, taskId, "completed", worker, 60_000);
    expect(portal.deletions()).toBe(0);
    const turns = computerTurns.get(marker)!;
    expect(JSON.stringify(turns.at(-1)!.input)).toContain("A person did not approve");
  });

  test("approved, the risky click runs once, after the stale-click guard finds the page unchanged", { timeout: 120_000 }, async () => {
    await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "allow" });
    await setPolicyRule(db, { userId, scope: "tool", key: "use_browser", decision: null });
    const before = portal.deletions();
    const { taskId, marker } = await startBrowseTask("INJECT", "anthropic", "/account");
    const approval = await waitForPendingApproval(db, taskId, worker);
    expect(portal.deletions()).toBe(before);
    await decideApproval({ db, engine, tools: builtinArgumentValidator }, { userId, approvalId: approval.id, decision: "approve", via: "api" });
    await waitForStatus(db, taskId, "completed", worker, 60_000);
    expect(portal.deletions()).toBe(before + 1);
    const turn = (await turnEvents(taskId)).at(-1)!;
    expect(turn.message).toMatch(/Click at \d+,\d+: done/);
    expect(computerTurns.get(marker)).toHaveLength(2);
  });

  test.each(["openai", "anthropic"] as const)("the %s wire: the model asks for a person; the loop waits (the takeover seam), then goes on with the note and a new frame", { timeout: 90_000 }, async (wire) => {
    await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "allow" });
    const { taskId, runId, marker } = await startBrowseTask("PERSON", wire, "/login");
    await waitFor(async () => (await timeline(db, taskId)).some((event) => event.type === "takeover.requested"), { timeoutMs: 60_000, what: "the request for a person" });
    expect(computerTurns.get(marker)).toHaveLength(1);
    const takeover = await db.takeover.findFirstOrThrow({ where: { runId } });
    await engine.signal(runId, takeoverDoneTopic(takeover.id), { note: "Solved the CAPTCHA" });
    await waitForStatus(db, taskId, "completed", worker, 60_000);
    const turns = computerTurns.get(marker)!;
    expect(turns).toHaveLength(2);
    expect(JSON.stringify(turns[1]!.input)).toContain("Solved the CAPTCHA");
    // The model got a fresh frame after the hand-back.
    expect(turns[1]!.screenshots!.length).toBeGreaterThan(turns[0]!.screenshots!.length);
  });

  test("a model that never stops is stopped cleanly at the turn budget, with a message the agent gets", { timeout: 120_000 }, async () => {
    await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "allow" });
    await worker.kill("SIGTERM");
    worker = await startAgentWorker({ databaseUrl: pg.url, workerId: WORKER_ID, model, env: { BATON_MODEL_POLL_MS: "50", BATON_SECRET_KEY: process.env.BATON_SECRET_KEY!, BATON_COMPUTER_USE_MAX_TURNS: "3" } });
    try {
      const { taskId, marker } = await startBrowseTask("LOOP", "anthropic", "/cu/target");
      await waitForStatus(db, taskId, "completed", worker, 90_000);
      // Turns 1-3 ran their calls; turn 4's answer was the one over budget and nothing of it ran.
      expect(computerTurns.get(marker)).toHaveLength(4);
      expect(await turnEvents(taskId)).toHaveLength(1 + 3 + 1);
      const failed = (await timeline(db, taskId)).find((event) => event.type === "tool.failed")!;
      expect(failed.message).toContain("its budget of 3 turns");
    } finally {
      await worker.kill("SIGTERM");
      worker = await startTheWorker();
    }
  });

  test("kill -9 of the worker during the wait for a person: the wait survives, the hand-back resumes the run", { timeout: 120_000 }, async () => {
    await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "allow" });
    const { taskId, runId, marker } = await startBrowseTask("PERSON", "openai", "/login");
    await waitFor(async () => (await timeline(db, taskId)).some((event) => event.type === "takeover.requested"), { timeoutMs: 60_000, what: "the request for a person" });
    await worker.kill("SIGKILL");
    worker = await startTheWorker();
    const takeover = await db.takeover.findFirstOrThrow({ where: { runId } });
    await engine.signal(runId, takeoverDoneTopic(takeover.id), { note: "Solved it after the restart" });
    await waitForStatus(db, taskId, "completed", worker, 90_000);
    const turns = computerTurns.get(marker)!;
    expect(turns).toHaveLength(2);
    expect(JSON.stringify(turns[1]!.input)).toContain("Solved it after the restart");
    expect((await timeline(db, taskId)).filter((event) => event.type === "takeover.requested")).toHaveLength(1);
  });

  // Where the kill lands decides the path. One fresh-clone run ended with 3 distinct conversations
  // among 4 turns (a turn asked again); under investigation, retried once meanwhile.
  test("kill -9 of the worker mid-run: resumes at the last confirmed turn, the browser restored, no turn asked again", { timeout: 180_000, retry: 1 }, async () => {
    await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "allow" });
    await setPolicyRule(db, { userId, scope: "tool", key: "use_browser", decision: "allow" });
    const { taskId, runId, marker } = await startBrowseTask("EXPORT", "openai", "/login");
    // After the sign-in turn is confirmed: the portal's session cookie lives only in the checkpoint now.
    await waitFor(async () => (await turnEvents(taskId)).length >= 2, { timeoutMs: 60_000, what: "the sign-in turn on the timeline" });
    await worker.kill("SIGKILL");
    // Killed mid-run, not after: the browser call had turns left.
    expect((await db.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe("running");
    expect((await turnEvents(taskId)).length).toBeLessThan(4);
    const askedBefore = computerTurns.get(marker)!.length;
    const checkpoint = await db.computerUseCheckpoint.findFirst({ where: { runId } });
    // Sealed: the cookie is not in the row's readable columns.
    if (checkpoint) expect(JSON.stringify({ ...checkpoint, ciphertext: null })).not.toMatch(/portal_session=/);
    worker = await startTheWorker();
    await waitForStatus(db, taskId, "completed", worker, 150_000);

    const turns = computerTurns.get(marker)!;
    // Four model turns in all, whatever was asked before the kill: a turn recorded is never asked again
    // (the one in flight at the kill, if any, is asked once more with the same conversation).
    const inputs = turns.map((turn) => JSON.stringify(turn.input.length));
    expect(turns.length, `asked ${askedBefore} before the kill; inputs ${inputs.join(",")}`).toBeLessThanOrEqual(5);
    expect(new Set(turns.map((turn) => turn.input.length)).size).toBe(4);
    const events = await turnEvents(taskId);
    expect(events).toHaveLength(4);
    // The export needs the portal's signed-in session: only the restored storage state holds it.
    const csv = await db.artifact.findFirstOrThrow({ where: { runId, name: { endsWith: ".csv" } } });
    expect(Buffer.from(csv.content).toString("utf8")).toMatch(/^id,month,customer,amount\n/);
    console.log(`[use-browser] kill -9 after ${askedBefore} of 4 model turns; ${turns.length} asked in all`);
  });
});
