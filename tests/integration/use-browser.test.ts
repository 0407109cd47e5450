// use_browser end to end: the real worker runs the agent, the scripted model calls use_browser, and
// the computer-use loop drives real Chromium through the fixture portal as durable steps, on each
// provider's wire. The scripted "model" aims at coordinates measured from the same pages rendered
// at the same viewport (what a model reading the screenshot would find). Checked: sign-in with the
// runtime typing the credential, the CSV export as an artifact with the portal's rows, every turn's
// frame on the timeline with its action drawn; the injected "delete your account" page gets no
// deletion without a person (and the denial reaches the model); computer use is off by default;
// a kill -9 of the worker mid-run resumes at the last confirmed turn with no recorded turn asked
// again; a kill -9 inside an approved "Delete account" click deletes once.
import { createHash, randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startScriptedModelServer, type ScriptedTurn, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { launchBrowser } from "@/lib/browser";
import { decodePng } from "@/lib/computer-use/png-pixels";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { setPolicyRule } from "@/lib/policy/risk-policy";
import { createTask } from "@/lib/tasks/create-task";
import { takeoverDoneTopic } from "@/lib/takeover/await-person";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import { OFFSITE_URL, startPortal, toCsv, type PortalServer } from "../fixtures/portal/portal-server";
import { ANTHROPIC_MODEL, OPENAI_MODEL, configureModelsInThisProcess, startAgentWorker, timeline, waitForPendingApproval, waitForStatus, type AgentWorker } from "../support/agent-harness";
import { computerUseScript, type BrowseKind, type ComputerUseScript } from "../support/computer-use-script";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";

configureModelsInThisProcess();
// One key for this process and every worker it starts: a restarted worker opens the sealed checkpoint.
process.env.BATON_SECRET_KEY = Buffer.alloc(32, 7).toString("base64");
// The admin's opening for the fixture portal, as the workers have it: a task may list its origin.
process.env.BATON_HTTP_ALLOWLIST = "127.0.0.1/32:*";

const TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const WORKER_ID = `use-browser-${randomUUID().slice(0, 8)}`;
let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let model: ScriptedModelServer;
let portal: PortalServer;
let worker: AgentWorker;
let userId: string;
let browser: Browser;
let computer: ComputerUseScript;
/** Every computer turn the model was asked, by goal marker: a turn asked twice would show here. */
const computerTurns = new Map<string, ScriptedTurn[]>();
/** Set by a test: kill the worker while the model is asked this goal's turn (`done` turns before it). */
let killAtTurn: { marker: string; done: number; killed?: Promise<void> } | undefined;
const script = (turn: ScriptedTurn) => computer.script(turn);

const startTheWorker = () => startAgentWorker({ databaseUrl: pg.url, workerId: WORKER_ID, model, env: { BATON_MODEL_POLL_MS: "50", BATON_SECRET_KEY: process.env.BATON_SECRET_KEY! } });

beforeAll(async () => {
  pg = await testDatabase("use-browser");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  model = await startScriptedModelServer({ script });
  portal = await startPortal({ totpSecret: TOTP_SECRET });
  browser = await launchBrowser();
  computer = await computerUseScript({
    portal,
    browser,
    turns: computerTurns,
    onTurn(marker, done) {
      if (killAtTurn && !killAtTurn.killed && killAtTurn.marker === marker && killAtTurn.done === done) killAtTurn.killed = worker.kill("SIGKILL");
    },
  });
  worker = await startTheWorker();
  userId = await createTestUser(db, "Clerk");
  await createCredential(db, { userId, input: { name: "portal", label: "Portal", origins: [portal.url], username: portal.username, password: portal.password, totpSecret: TOTP_SECRET } });
}, 120_000);

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close(), portal?.close(), browser?.close()]);
  await pg?.destroy();
});

async function startBrowseTask(kind: BrowseKind, wire: "openai" | "anthropic", start: string, task: { browserOrigins?: string[] } = {}) {
  const { marker, prompt } = computer.prompt(kind, wire, start);
  const { task: created } = await createTask({ db, engine }, { userId, title: `Browse ${marker}`, prompt, ...(wire === "openai" ? OPENAI_MODEL : ANTHROPIC_MODEL), ...task });
  const run = await db.run.findFirstOrThrow({ where: { taskId: created.id } });
  return { taskId: created.id, runId: run.id, marker };
}

/**
 * What the model was sent, as content: the checkpoint keeps the conversation in Postgres (jsonb
 * orders an object's keys its own way), so the same conversation restored may differ in key order only.
 */
function conversationDigest(turn: ScriptedTurn): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(canonical) : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, item]) => [key, canonical(item)])) : value;
  return createHash("sha256").update(JSON.stringify(canonical(turn.input))).digest("hex");
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

  test("the task's origins bound the run: the call cannot widen them, and a link to another origin is refused and recorded", { timeout: 120_000 }, async () => {
    await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "allow" });
    await setPolicyRule(db, { userId, scope: "tool", key: "use_browser", decision: "allow" });
    const vendor = new URL(OFFSITE_URL).origin;
    const { taskId, marker } = await startBrowseTask("OFFSITE", "openai", "/login", { browserOrigins: [portal.url] });
    await waitForStatus(db, taskId, "completed", worker, 110_000);
    const events = await timeline(db, taskId);
    // The model named the vendor's origin; the task does not list it, so it was left out.
    const leftOut = events.find((event) => event.type === "computer.refused")!;
    expect(leftOut.message).toBe(`The browser may open only this task's origins: left out ${vendor}.`);
    // The click on the vendor's link: the navigation was refused, on the timeline and told to the model.
    const turn = events.filter((event) => event.type === "computer.turn").at(-1)!;
    // (An https hop is refused twice: at the egress proxy's CONNECT, host and port, and as the page's request.)
    const refused = (turn.data as { refused?: { url: string; reason: string }[] }).refused ?? [];
    expect(refused).toContainEqual({ url: OFFSITE_URL, reason: "vendor.example.com is not among this run's allowed origins" });
    expect(refused.every((refusal) => refusal.url.startsWith(vendor))).toBe(true);
    expect(turn.message).toContain(`refused ${OFFSITE_URL}`);
    const told = JSON.stringify(computerTurns.get(marker)!.at(-1)!.input);
    expect(told).toContain(`Baton refused to open ${OFFSITE_URL}`);
    expect(told).toContain(`This task lets the browser open only ${portal.url}.`);
  });

  test("kill -9 inside the approved \"Delete account\" click: the account is deleted once, and the model is told it was not done again", { timeout: 180_000 }, async () => {
    await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "allow" });
    await setPolicyRule(db, { userId, scope: "tool", key: "use_browser", decision: null });
    const before = portal.deletions();
    const { taskId, runId, marker } = await startBrowseTask("INJECT", "openai", "/account");
    const approval = await waitForPendingApproval(db, taskId, worker);
    // The worker dies while the portal handles the deletion: the click was made, its step (which
    // would save the page after it) has not finished.
    let killed: Promise<void> | undefined;
    portal.onNextDeletion(() => (killed = worker.kill("SIGKILL")));
    await decideApproval({ db, engine, tools: builtinArgumentValidator }, { userId, approvalId: approval.id, decision: "approve", via: "api" });
    await waitFor(async () => killed !== undefined, { timeoutMs: 60_000, what: "the approved click reaching the portal" });
    await killed;
    expect(portal.deletions()).toBe(before + 1);
    expect((await turnEvents(taskId)).map((event) => event.stepKey)).not.toContainEqual(expect.stringContaining("-act-"));

    worker = await startTheWorker();
    await waitForStatus(db, taskId, "completed", worker, 150_000);
    expect(portal.deletions()).toBe(before + 1);
    // The journal holds the click once; the step's second attempt found it and did not click.
    const effects = await db.effect.findMany({ where: { runId, tool: "use_browser" } });
    expect(effects).toHaveLength(1);
    const act = (await turnEvents(taskId)).find((event) => event.stepKey?.includes("-act-"))!;
    expect(act.message).toMatch(/Click at \d+,\d+: not-repeated \(Baton (already did|had started) this before a restart/);
    const told = JSON.stringify(computerTurns.get(marker)!.at(-1)!.input);
    expect(told).toContain("so it was not done again");
  });

  test("kill -9 while the model answers a turn: that turn, and only it, is asked again with the very same conversation", { timeout: 180_000 }, async () => {
    await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "allow" });
    await setPolicyRule(db, { userId, scope: "tool", key: "use_browser", decision: "allow" });
    const { marker, prompt } = computer.prompt("EXPORT", "openai", "/login");
    // The second turn (after the sign-in): the worker dies with the question asked and no answer kept.
    killAtTurn = { marker, done: 1 };
    const { task } = await createTask({ db, engine }, { userId, title: `Browse ${marker}`, prompt, ...OPENAI_MODEL });
    const runId = (await db.run.findFirstOrThrow({ where: { taskId: task.id } })).id;
    await waitFor(async () => killAtTurn?.killed !== undefined, { timeoutMs: 90_000, what: "the second computer turn asked" });
    await killAtTurn.killed;
    killAtTurn = undefined;
    worker = await startTheWorker();
    await waitForStatus(db, task.id, "completed", worker, 150_000);

    const turns = computerTurns.get(marker)!;
    const conversations = turns.map(conversationDigest);
    expect(conversations).toHaveLength(5);
    expect(conversations[2]).toBe(conversations[1]);
    expect(new Set(conversations).size).toBe(4);
    expect(await turnEvents(task.id)).toHaveLength(4);
    const csv = await db.artifact.findFirstOrThrow({ where: { runId, name: { endsWith: ".csv" } } });
    expect(Buffer.from(csv.content).toString("utf8")).toMatch(/^id,month,customer,amount\n/);
  });

  // Where the kill lands decides the path: after a turn's checkpoint, the turn is never asked again;
  // between the model's answer and the checkpoint, the turn is asked once more with the very same
  // conversation (a model call changes nothing outside Baton; the answer is simply not kept).
  test("kill -9 of the worker mid-run: resumes at the last confirmed turn, the browser restored, no recorded turn asked again", { timeout: 180_000 }, async () => {
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
    const conversations = turns.map(conversationDigest);
    const seen = `asked ${askedBefore} before the kill; conversations ${conversations.map((digest) => digest.slice(0, 6)).join(",")}`;
    // Four conversations: the sign-in form, the code form, the invoices, the end.
    expect(new Set(conversations).size, seen).toBe(4);
    const repeated = conversations.filter((digest, index) => conversations.indexOf(digest) !== index);
    expect(repeated.length, seen).toBeLessThanOrEqual(1);
    // Only the turn in flight at the kill (the last one asked before it) may be asked again, right after the restart.
    if (repeated.length === 1) expect([conversations.indexOf(repeated[0]!), conversations.lastIndexOf(repeated[0]!)], seen).toEqual([askedBefore - 1, askedBefore]);
    const events = await turnEvents(taskId);
    expect(events).toHaveLength(4);
    // The export needs the portal's signed-in session: only the restored storage state holds it.
    const csv = await db.artifact.findFirstOrThrow({ where: { runId, name: { endsWith: ".csv" } } });
    expect(Buffer.from(csv.content).toString("utf8")).toMatch(/^id,month,customer,amount\n/);
    console.log(`[use-browser] kill -9 after ${askedBefore} of 4 model turns; ${turns.length} asked in all (${repeated.length} asked again)`);
  });
});
