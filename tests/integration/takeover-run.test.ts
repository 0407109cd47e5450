// A computer-use run meets the fixture CAPTCHA: the scripted model asks for a person, the takeover
// link is claimed, the worker is killed with -9 during the wait, the new worker restores the page
// and re-attaches the live view, the person solves the CAPTCHA by taps through it, hands back, and
// the run finishes with their note. Real worker process, real DBOS and Postgres, real Chromium.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startScriptedModelServer, type ScriptedReply, type ScriptedTurn, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { launchBrowser, openBrowserSession } from "@/lib/browser";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { setPolicyRule } from "@/lib/policy/risk-policy";
import { createTask } from "@/lib/tasks/create-task";
import { takeoverDoneTopic } from "@/lib/takeover/await-person";
import { handBack } from "@/lib/takeover/hand-back";
import { forwardToRelay } from "@/lib/takeover/live-proxy";
import { claimTakeoverLink, mintTakeoverLink } from "@/lib/takeover/takeover-links";
import { CAPTCHA_LIGHTS, startPortal, type PortalServer } from "../fixtures/portal/portal-server";
import { OPENAI_MODEL, configureModelsInThisProcess, scenarios, startAgentWorker, timeline, waitForStatus, type AgentWorker } from "../support/agent-harness";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";

configureModelsInThisProcess();
process.env.BATON_SECRET_KEY = Buffer.alloc(32, 9).toString("base64");
const WORKER_ID = `takeover-run-${randomUUID().slice(0, 8)}`;

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let model: ScriptedModelServer;
let portal: PortalServer;
let worker: AgentWorker;
let userId: string;
const computerTurns: ScriptedTurn[] = [];

const browse = (goal: string) => (turn: ScriptedTurn): ScriptedReply => {
  if (turn.input.some((item) => item.type === "tool_result")) return { text: "Done." };
  return { toolCalls: [{ name: "use_browser", arguments: { goal, startUrl: `${portal.url}/captcha`, origins: [portal.url] } }] };
};
const scripted = scenarios({ browse: browse("Get past the check on the portal"), twice: browse("TWICE: get past two checks on the portal") });
/** The computer turns of the run that asks for a person twice. */
const twiceTurns: ScriptedTurn[] = [];

function script(turn: ScriptedTurn): ScriptedReply {
  if (!turn.tools.includes("computer")) return scripted.script(turn);
  const goal = turn.input.find((item) => item.type === "user");
  if (goal?.type === "user" && goal.text.includes("TWICE")) {
    twiceTurns.push(turn);
    const asked = turn.input.filter((item) => item.type === "assistant").length;
    return asked < 2 ? { toolCalls: [{ name: "ask_person", arguments: { reason: `Check ${asked + 1} needs a person.` } }] } : { text: "Both checks passed." };
  }
  computerTurns.push(turn);
  // The model cannot pass a CAPTCHA: it asks a person, then reads their note and stops.
  return computerTurns.length === 1 ? { toolCalls: [{ name: "ask_person", arguments: { reason: "The page shows a CAPTCHA only a person may solve." } }] } : { text: "The person solved it; done." };
}

const startTheWorker = () => startAgentWorker({ databaseUrl: pg.url, workerId: WORKER_ID, model, env: { BATON_MODEL_POLL_MS: "50", BATON_SECRET_KEY: process.env.BATON_SECRET_KEY! } });

beforeAll(async () => {
  pg = await testDatabase("takeover-run");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  model = await startScriptedModelServer({ script });
  portal = await startPortal({});
  await measureCaptcha();
  worker = await startTheWorker();
  userId = await createTestUser(db, "Owner");
  await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "allow" });
}, 120_000);

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close(), portal?.close()]);
  await pg?.destroy();
});

test("CAPTCHA run: the model asks for a person, kill -9 during the wait, the person solves it through the live view, hands back, the run finishes", { timeout: 180_000 }, async () => {
  const { prompt } = scripted.prompt("browse", "captcha");
  const { task } = await createTask({ db, engine }, { userId, title: "Get past the CAPTCHA", prompt, ...OPENAI_MODEL });
  const waiting = await waitFor(async () => (await db.takeover.findFirst({ where: { taskId: task.id, status: "waiting", relayUrl: { not: null } } })) ?? undefined, { timeoutMs: 90_000, what: "the agent waiting for a person" });
  const claim = await claimTakeoverLink(db, { token: await mintTakeoverLink(db, waiting), userId });
  expect(claim.ok).toBe(true);

  // The worker dies while the person holds the browser; the new one replays the wait.
  await worker.kill("SIGKILL");
  worker = await startTheWorker();
  await waitFor(async () => (await db.takeover.findUniqueOrThrow({ where: { id: waiting.id } })).relayUrl !== waiting.relayUrl, { timeoutMs: 90_000, what: "the new worker's relay" });

  const input = async (body: unknown) => {
    const response = await forwardToRelay(db, { userId, takeoverId: waiting.id, path: "input", init: { method: "POST", body: JSON.stringify(body) } });
    expect(response.status, await response.clone().text()).toBe(204);
  };
  // The person taps where the frame shows each square (measured beforehand on a page like the run's).
  const frames = await forwardToRelay(db, { userId, takeoverId: waiting.id, path: "frames", init: { signal: AbortSignal.timeout(20_000) } });
  expect(frames.headers.get("content-type")).toBe("text/event-stream");
  const first = await frames.body!.getReader().read();
  expect(new TextDecoder().decode(first.value)).toContain('"width":1280');
  for (const index of CAPTCHA_LIGHTS) await input({ kind: "tap", ...(await squareCentre(index)) });
  await input({ kind: "tap", ...(await squareCentre("verify")) });
  await waitFor(async () => portal.captchaSolves() === 1, { timeoutMs: 10_000, what: "the CAPTCHA solved" });

  await handBack({ db, engine }, { userId, takeoverId: waiting.id, note: "Solved the CAPTCHA" });
  await waitForStatus(db, task.id, "completed", worker, 90_000);
  expect(JSON.stringify(computerTurns.at(-1)!.input)).toContain("Solved the CAPTCHA");
  const events = await timeline(db, task.id);
  expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(["takeover.requested", "takeover.started", "takeover.handed_back"]));
  expect(events.find((event) => event.type === "takeover.handed_back")!.message).toMatch(/captcha/);
});

test("two takeovers in one run: each hand-back wakes only its own wait, so a late signal for the first cannot end the second", { timeout: 120_000 }, async () => {
  const { prompt } = scripted.prompt("twice", "two checks");
  const { task } = await createTask({ db, engine }, { userId, title: "Two checks", prompt, ...OPENAI_MODEL });
  const run = await db.run.findFirstOrThrow({ where: { taskId: task.id } });
  const waitingFor = (what: string, not?: string) =>
    waitFor(async () => (await db.takeover.findFirst({ where: { taskId: task.id, status: "waiting", relayUrl: { not: null }, ...(not ? { id: { not } } : {}) } })) ?? undefined, { timeoutMs: 60_000, what });
  const takeOverAndHandBack = async (takeover: { id: string; expiresAt: Date }, note: string) => {
    expect((await claimTakeoverLink(db, { token: await mintTakeoverLink(db, takeover), userId })).ok).toBe(true);
    await handBack({ db, engine }, { userId, takeoverId: takeover.id, note });
  };

  const first = await waitingFor("the first wait for a person");
  await takeOverAndHandBack(first, "First check done");
  const second = await waitingFor("the second wait for a person", first.id);
  // The first takeover's hand-back again, arriving late (a retried request): it must not wake the second wait.
  await engine.signal(run.id, takeoverDoneTopic(first.id), { note: "A late copy of the first hand-back" }, `late-${first.id}`);
  await takeOverAndHandBack(second, "Second check done");
  await waitForStatus(db, task.id, "completed", worker, 60_000);

  expect(twiceTurns).toHaveLength(3);
  expect(JSON.stringify(twiceTurns[1]!.input)).toContain("First check done");
  const last = JSON.stringify(twiceTurns[2]!.input);
  expect(last).toContain("Second check done");
  expect(last).not.toContain("A late copy");
  expect((await db.takeover.findMany({ where: { taskId: task.id }, orderBy: { createdAt: "asc" } })).map((row) => row.status)).toEqual(["done", "done"]);
});

/** Where the portal lays out each CAPTCHA square and the Verify button, in page pixels, on a session like the loop's. */
const layout = new Map<number | "verify", { x: number; y: number }>();
async function measureCaptcha(): Promise<void> {
  const browser = await launchBrowser();
  const host = new URL(portal.url).host;
  const session = await openBrowserSession({ browser, allowlist: [host], adminAllowlist: [host], workspaceDir: mkdtempSync(path.join(tmpdir(), "baton-measure-")) });
  const page = await session.newPage();
  await page.goto(`${portal.url}/captcha`);
  const centre = async (selector: string) => {
    const box = (await page.locator(selector).boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  for (const index of CAPTCHA_LIGHTS) layout.set(index, await centre(`.sq[data-index="${index}"]`));
  layout.set("verify", await centre("#verify"));
  await session.close();
  await browser.close();
}

const squareCentre = async (what: number | "verify") => layout.get(what)!;
