// run_playbook end to end: the real worker runs the agent, the scripted model calls run_playbook,
// and the executor drives real Chromium through the fixture billing portal with a stored
// credential. The repository's example playbooks are copied into the worker's data folder with
// the portal's real origin (the data copy wins a version tie). Payments are counted by the portal.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { toApprovalView } from "@/lib/approvals/views";
import { getArtifactOrThrow } from "@/lib/artifacts/get-artifact";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { setPolicyRule } from "@/lib/policy/risk-policy";
import { createTask } from "@/lib/tasks/create-task";
import { getTaskOrThrow } from "@/lib/tasks/get-task";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import { startPortal, toCsv, WEEKLY_REPORT, type PortalServer } from "../fixtures/portal/portal-server";
import {
  OPENAI_MODEL,
  assistantTurns,
  configureModelsInThisProcess,
  expectAppError,
  lastToolResult,
  scenarios,
  startAgentWorker,
  timeline,
  waitForPendingApproval,
  waitForStatus,
  type AgentWorker,
} from "../support/agent-harness";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";
import { decodePng } from "@/lib/computer-use/png-pixels";
import { zipEntries } from "../support/zip-entries";

configureModelsInThisProcess();
const SECRET_KEY = randomBytes(32).toString("hex");
process.env.BATON_SECRET_KEY = SECRET_KEY;

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const TOTP_SECRET = Array.from(randomBytes(32), (byte) => BASE32[byte % 32]).join("");
const WORKER_ID = `run-playbook-${randomUUID().slice(0, 8)}`;

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let portal: PortalServer;
let model: ScriptedModelServer;
let worker: AgentWorker;
let dataDir: string;
let userId: string;
/** What workers killed during the tests printed. */
const earlierOutput: string[] = [];

// Runs the playbook and parameters named in the prompt ("run=<id> {json}"), then repeats what the tool said.
const scripted = scenarios({
  playbook: ({ input }) => {
    const first = input[0]?.type === "user" ? input[0].text : "";
    const [, playbook, json] = /run=(\S+) (\{.*\})/.exec(first) ?? [];
    if (assistantTurns(input) === 0) {
      return { text: `I will run ${playbook}.`, toolCalls: [{ name: "run_playbook", arguments: { playbook, parameters: JSON.parse(json ?? "{}") } }] };
    }
    return { text: `# Done\n\nThe tool said: ${lastToolResult(input)?.output ?? "(nothing)"}` };
  },
});

/** The repository's example, pointed at the portal; `change` adapts its steps. */
function writeDataCopy(file: string, change: (playbook: Record<string, unknown>) => void = () => {}) {
  const playbook = JSON.parse(readFileSync(path.resolve("playbooks", `${file}.json`), "utf8")) as Record<string, unknown>;
  playbook.origins = [portal.url];
  change(playbook);
  writeFileSync(path.join(dataDir, "playbooks", `${playbook.id as string}.json`), JSON.stringify(playbook, null, 2));
}

const startTheWorker = () =>
  startAgentWorker({ databaseUrl: pg.url, workerId: WORKER_ID, model, env: { BATON_DATA_DIR: dataDir, BATON_SECRET_KEY: SECRET_KEY, BATON_BROWSER_IDLE_MS: "300" } });

beforeAll(async () => {
  pg = await testDatabase("run-playbook");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  model = await startScriptedModelServer({ latencyMs: 50, script: scripted.script });
  // Support redirects to another local service (the model server here), which no playbook may reach.
  portal = await startPortal({ totpSecret: TOTP_SECRET, redirectTarget: `${new URL(model.url).origin}/admin` });
  dataDir = mkdtempSync(path.join(tmpdir(), "baton-playbook-test-"));
  mkdirSync(path.join(dataDir, "playbooks"));
  writeDataCopy("export-invoices");
  writeDataCopy("pay-invoice");
  writeDataCopy("portal-weekly-metrics");
  writeFileSync(
    path.join(dataDir, "playbooks", "open-support.json"),
    JSON.stringify({
      id: "open-support",
      title: "Open the portal's support page",
      version: 1,
      origins: [portal.url],
      steps: [{ intent: "Open support", risk: "read", goto: { url: "/support/redirect" } }],
    }),
  );
  // A copy whose filter button the portal does not have: a broken selector.
  writeDataCopy("export-invoices", (playbook) => {
    playbook.id = "export-invoices-broken";
    const steps = playbook.steps as { click?: unknown }[];
    steps[9]!.click = { selector: "#apply-the-filter" };
  });
  worker = await startTheWorker();
  userId = await createTestUser(db, "Clerk");
  await createCredential(db, {
    userId,
    input: { name: "billing-portal", label: "Billing portal", origins: [portal.url], username: portal.username, password: portal.password, totpSecret: TOTP_SECRET },
  });
  // The user lets playbooks save files without asking; payments still ask (external, by default).
  await setPolicyRule(db, { userId, scope: "class", key: "write", decision: "allow" });
}, 120_000);

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close(), portal?.close()]);
  await pg?.destroy();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function startPlaybookTask(playbook: string, parameters: Record<string, string>) {
  const { prompt, id } = scripted.prompt("playbook", `run=${playbook} ${JSON.stringify(parameters)}`);
  const { task } = await createTask({ db, engine }, { userId, title: `Run ${playbook}`, prompt, ...OPENAI_MODEL });
  const run = await db.run.findFirstOrThrow({ where: { taskId: task.id } });
  return { taskId: task.id, runId: run.id, turns: () => scripted.turns(id) };
}

type StepEvent = { step: number; intent: string; url: string; outcome: string; durationMs: number; error?: string; screenshot?: { artifactId: string; name: string; mimeType: string } };

async function stepEvents(taskId: string): Promise<StepEvent[]> {
  return (await timeline(db, taskId)).filter((event) => event.type === "playbook.step").map((event) => event.data as unknown as StepEvent);
}

/** Processes whose parent is `pid` (Chromium, while a session is open). */
function childProcessesOf(pid: number): string[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return ppid === pid ? [stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"))] : [];
      } catch {
        return [];
      }
    });
}

/** Every row of every table (DBOS's step outputs included), as Postgres prints it; bytea as hex. */
async function everyRowAsText(): Promise<string> {
  const tables = await db.$queryRaw<{ schema: string; name: string }[]>`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`;
  const rows: string[] = [];
  for (const table of tables) {
    const found = await db.$queryRawUnsafe<{ row: string }[]>(`SELECT t::text AS row FROM "${table.schema}"."${table.name}" t`);
    rows.push(...found.map((entry) => entry.row));
  }
  return rows.join("\n");
}

describe("run_playbook", () => {
  test("export: the CSV artifact holds the portal's rows for the month, and every step is on the timeline with its screenshot", { timeout: 90_000 }, async () => {
    const { taskId, runId, turns } = await startPlaybookTask("export-invoices", { month: "2026-10" });
    await waitForStatus(db, taskId, "completed", worker, 60_000);

    const csv = await db.artifact.findUniqueOrThrow({ where: { runId_name: { runId, name: "invoices-2026-10.csv" } } });
    expect(csv.kind).toBe("csv");
    const expected = toCsv(portal.invoices.filter((invoice) => invoice.month === "2026-10"));
    expect(Buffer.from(csv.content).toString("utf8")).toBe(expected);
    expect(expected.split("\n").length).toBeGreaterThan(5);

    const steps = await stepEvents(taskId);
    expect(steps.map((step) => step.step)).toEqual(Array.from({ length: 13 }, (_, index) => index + 1));
    const durations = steps.map((step) => step.durationMs);
    console.log(`[run-playbook] export: 13 steps in ${durations.reduce((a, b) => a + b, 0)} ms (slowest ${Math.max(...durations)} ms, median ${[...durations].sort((a, b) => a - b)[6]} ms, screenshot included)`);
    expect(steps.every((step) => step.outcome === "done")).toBe(true);
    expect(steps[10]!.url).toBe(`${portal.url}/invoices?month=2026-10`);
    for (const step of steps) {
      const image = await getArtifactOrThrow(db, { userId, taskId, artifactId: step.screenshot!.artifactId });
      expect(image.mimeType).toMatch(/^image\/(png|jpeg)$/);
      expect(image.sizeBytes).toBeLessThanOrEqual(300 * 1024);
    }
    // The one-time code field is painted over (lib/browser's mask colour) once a credential is typed into it, not before.
    const magenta = async (step: number) => {
      const image = await getArtifactOrThrow(db, { userId, taskId, artifactId: steps[step - 1]!.screenshot!.artifactId });
      const pixels = decodePng(Buffer.from(image.content));
      let count = 0;
      for (let y = 0; y < pixels.height; y += 2) for (let x = 0; x < pixels.width; x += 2) if (pixels.at(x, y).join() === "255,0,255") count++;
      return count;
    };
    expect(await magenta(5)).toBe(0);
    expect(await magenta(6)).toBeGreaterThan(100);

    // The task page's timeline carries each step's picture, linked to the artifact route.
    const detail = await getTaskOrThrow(db, { userId, taskId });
    const pictured = detail.events.filter((event) => event.screenshot !== null);
    expect(pictured.map((event) => event.screenshot!.url)).toEqual(steps.map((step) => `/api/tasks/${taskId}/artifacts/${step.screenshot!.artifactId}`));
    // Each picture is shown with its step, not announced as a saved file of its own.
    expect(detail.events.filter((event) => event.message.includes(".png"))).toEqual([]);
    // A screenshot is served only to the task's owner.
    const stranger = await createTestUser(db, "Stranger");
    await expectAppError(getArtifactOrThrow(db, { userId: stranger, taskId, artifactId: steps[0]!.screenshot!.artifactId }), "NOT_FOUND");

    // The model heard intents, URLs, outcomes, the artifact's name and the CSV's text (to answer from), no picture.
    const told = JSON.parse(lastToolResult(turns()[1]!.input)!.output) as { steps: { intent: string; url: string; outcome: string }[]; artifacts: string[]; csv: Record<string, string> };
    expect(told.artifacts).toEqual(["invoices-2026-10.csv"]);
    expect(told.csv).toEqual({ "invoices-2026-10.csv": expected });
    expect(told.steps[2]).toEqual({ step: 3, intent: "Enter the password", url: `${portal.url}/login`, outcome: "done" });
    expect(JSON.stringify(told)).not.toMatch(/screenshot|base64|image\//);
  });

  test("a report with no API: the weekly metrics table becomes portal-metrics.csv, which the model reads, and nothing asks", { timeout: 90_000 }, async () => {
    const { taskId, runId, turns } = await startPlaybookTask("portal-weekly-metrics", {});
    await waitForStatus(db, taskId, "completed", worker, 60_000);

    const expected = ["Metric,This week,Last week", ...WEEKLY_REPORT.map((row) => `${row.metric},${row.thisWeek},${row.lastWeek}`)].join("\n") + "\n";
    const csv = await db.artifact.findUniqueOrThrow({ where: { runId_name: { runId, name: "portal-metrics.csv" } } });
    expect(csv.kind).toBe("csv");
    expect(Buffer.from(csv.content).toString("utf8")).toBe(expected);
    expect(await db.approval.count({ where: { taskId } })).toBe(0);
    const told = JSON.parse(lastToolResult(turns()[1]!.input)!.output) as { csv: Record<string, string> };
    expect(told.csv).toEqual({ "portal-metrics.csv": expected });
  });

  test("pay: signs in, stops before the payment and asks with the page as it is; after Approve a fresh browser pays exactly once", { timeout: 90_000 }, async () => {
    const { taskId, runId } = await startPlaybookTask("pay-invoice", { month: "2026-10", invoice: "INV-1002" });
    const approval = await waitForPendingApproval(db, taskId, worker);
    expect(approval).toMatchObject({ toolName: "run_playbook", risk: "external", target: `pay-invoice on ${new URL(portal.url).host}, step 11 "Pay invoice INV-1002": Click #pay-INV-1002` });
    expect(approval.arguments).toMatchObject({
      playbook: "pay-invoice",
      step: "11",
      action: "Click #pay-INV-1002",
      page: `${portal.url}/invoices?month=2026-10`,
      screenshot: "pay-invoice-step-10.png",
    });
    // The safe steps ran (that is the picture on the card), the payment did not, and no browser waits with the person.
    const before = await stepEvents(taskId);
    expect(before.map((step) => step.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((approval.arguments as { screenshotArtifactId: string }).screenshotArtifactId).toBe(before[9]!.screenshot!.artifactId);
    // The card shows that picture itself: a URL of the owner's own artifact route.
    const screenshotId = before[9]!.screenshot!.artifactId;
    expect(toApprovalView(approval).screenshotUrl).toBe(`/api/tasks/${taskId}/artifacts/${screenshotId}`);
    expect((await getArtifactOrThrow(db, { userId, taskId, artifactId: screenshotId })).mimeType).toMatch(/^image\/(png|jpeg)$/);
    expect(portal.payments()["INV-1002"]).toBeUndefined();
    // The browser is not kept open for the decision: its context closed at once, the worker's Chromium once idle.
    await waitFor(async () => childProcessesOf(worker.child.pid!).every((name) => !/chrom/i.test(name)), { what: "the worker's Chromium to close while the approval waits" });

    await decideApproval({ db, engine, tools: builtinArgumentValidator }, { via: "api", userId, approvalId: approval.id, decision: "approve" });
    await waitForStatus(db, taskId, "completed", worker, 60_000);
    expect(portal.payments()["INV-1002"]).toBe(1);
    // After the decision: sign-in and navigation replayed in a new session, then the payment and the check.
    const steps = await stepEvents(taskId);
    expect(steps.slice(10).map((step) => step.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(steps.at(-2)).toMatchObject({ step: 12, intent: "Confirm that INV-1002 is paid", outcome: "done" });
    // The replayed steps have pictures of their own: the one on the approval card is still what the person saw.
    expect(steps[21]!.screenshot!.name).toBe("pay-invoice-segment-1-step-12.png");
    expect(steps[9]!.screenshot!.name).toBe("pay-invoice-step-10.png");
    // The payment is in the effect journal with its outcome, so no later attempt repeats it.
    const effect = await db.effect.findFirstOrThrow({ where: { runId, tool: "run_playbook", callKey: { endsWith: "/step-11" } } });
    expect(effect.outcome).toMatchObject({ ok: true });
  });

  test("pay: denied, nothing is paid and the model is told", { timeout: 90_000 }, async () => {
    const { taskId, turns } = await startPlaybookTask("pay-invoice", { month: "2026-11", invoice: "INV-1003" });
    const approval = await waitForPendingApproval(db, taskId, worker);
    await decideApproval({ db, engine, tools: builtinArgumentValidator }, { via: "api", userId, approvalId: approval.id, decision: "deny", note: "Not this month." });
    await waitForStatus(db, taskId, "completed", worker, 60_000);
    expect(portal.payments()["INV-1003"]).toBeUndefined();
    expect((await stepEvents(taskId)).map((step) => step.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const told = lastToolResult(turns()[1]!.input)!.output;
    expect(told).toContain("Step 11 waits for the person's decision.");
    expect(told).toContain("The person denied this run_playbook call. Their note: Not this month.");
  });

  test("pay: a user whose policy denies external steps gets no payment and no approval card", { timeout: 90_000 }, async () => {
    const strict = await createTestUser(db, "Strict clerk");
    await createCredential(db, {
      userId: strict,
      input: { name: "billing-portal", label: "Billing portal", origins: [portal.url], username: portal.username, password: portal.password, totpSecret: TOTP_SECRET },
    });
    await setPolicyRule(db, { userId: strict, scope: "class", key: "external", decision: "deny" });
    const { prompt, id } = scripted.prompt("playbook", `run=pay-invoice ${JSON.stringify({ month: "2026-11", invoice: "INV-1006" })}`);
    const { task } = await createTask({ db, engine }, { userId: strict, title: "Pay", prompt, ...OPENAI_MODEL });
    await waitForStatus(db, task.id, "completed", worker, 60_000);
    expect(portal.payments()["INV-1006"]).toBeUndefined();
    expect(await db.approval.count({ where: { taskId: task.id } })).toBe(0);
    expect(lastToolResult(scripted.turns(id)[1]!.input)!.output).toContain("Refused: the person's policy does not allow run_playbook");
  });

  test("a broken selector fails at its step with the intent, the URL and a screenshot, after one short wait", { timeout: 90_000 }, async () => {
    const { taskId, turns } = await startPlaybookTask("export-invoices-broken", { month: "2026-09" });
    await waitForStatus(db, taskId, "completed", worker, 60_000);
    const steps = await stepEvents(taskId);
    const failed = steps.filter((step) => step.outcome === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ step: 10, intent: "Apply the filter", url: `${portal.url}/invoices` });
    expect(failed[0]!.error).toContain("#apply-the-filter");
    // One wait of the 5 s action timeout, no retries.
    expect(failed[0]!.durationMs).toBeGreaterThanOrEqual(5_000);
    expect(failed[0]!.durationMs).toBeLessThan(8_000);
    const image = await getArtifactOrThrow(db, { userId, taskId, artifactId: failed[0]!.screenshot!.artifactId });
    expect(image.name).toBe("export-invoices-broken-step-10.png");
    // Steps after it never ran.
    expect(steps.map((step) => step.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const told = lastToolResult(turns()[1]!.input)!;
    expect(told.output).toContain(`failed at step 10 "Apply the filter" on ${portal.url}/invoices`);
    expect(told.output).toContain("(screenshot: export-invoices-broken-step-10.png)");
    const toolEvents = (await timeline(db, taskId)).filter((event) => event.type.startsWith("tool."));
    expect(toolEvents.map((event) => event.type)).toEqual(["tool.failed"]);
  });

  test("a redirect off the playbook's origins is refused, recorded on the timeline, and fails the step", { timeout: 60_000 }, async () => {
    const { taskId } = await startPlaybookTask("open-support", {});
    await waitForStatus(db, taskId, "completed", worker, 60_000);
    const events = await timeline(db, taskId);
    const refused = events.filter((event) => event.type === "browser.refused");
    expect(refused).toHaveLength(1);
    expect(refused[0]!.message).toContain(`${new URL(model.url).origin}/admin`);
    expect(await stepEvents(taskId)).toMatchObject([{ step: 1, intent: "Open support", url: `${portal.url}/support/redirect`, outcome: "failed" }]);
  });

  test("kill -9 of the worker while it waits for approval: approved afterwards, the invoice is paid once", { timeout: 120_000 }, async () => {
    const { taskId } = await startPlaybookTask("pay-invoice", { month: "2026-10", invoice: "INV-1005" });
    const approval = await waitForPendingApproval(db, taskId, worker);
    earlierOutput.push(worker.output());
    await worker.kill("SIGKILL");
    worker = await startTheWorker();
    await decideApproval({ db, engine, tools: builtinArgumentValidator }, { via: "api", userId, approvalId: approval.id, decision: "approve" });
    await waitForStatus(db, taskId, "completed", worker, 60_000);
    expect(portal.payments()["INV-1005"]).toBe(1);
    // Segment 0 (steps 1-10) ran once before the kill; after the decision, segment 1 ran once.
    expect((await stepEvents(taskId)).map((step) => step.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  test("kill -9 of the worker right after the payment: the run finishes and the invoice is paid once", { timeout: 120_000 }, async () => {
    const { taskId } = await startPlaybookTask("pay-invoice", { month: "2026-09", invoice: "INV-1004" });
    const approval = await waitForPendingApproval(db, taskId, worker);
    await decideApproval({ db, engine, tools: builtinArgumentValidator }, { via: "api", userId, approvalId: approval.id, decision: "approve" });
    await waitFor(async () => (await stepEvents(taskId)).some((step) => step.step === 11), { timeoutMs: 60_000, what: "the payment step" });
    earlierOutput.push(worker.output());
    await worker.kill("SIGKILL");
    worker = await startTheWorker();
    await waitForStatus(db, taskId, "completed", worker, 60_000);
    expect(portal.payments()["INV-1004"]).toBe(1);
    // Whether the kill landed before or after the tool's step finished, step 11 was done once.
    const steps = await stepEvents(taskId);
    expect(steps.filter((step) => step.step === 11 && step.outcome === "done")).toHaveLength(1);
    console.log(`[run-playbook] steps around the kill -9: ${steps.map((step) => `${step.step}:${step.outcome}`).join(" ")}`);
  });

  test("the portal password and TOTP secret are in no database row, artifact or log line", { timeout: 60_000 }, async () => {
    const dump = await everyRowAsText();
    const hex = (text: string) => Buffer.from(text, "utf8").toString("hex");
    for (const secret of [portal.password, TOTP_SECRET]) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(hex(secret));
      for (const output of [...earlierOutput, worker.output()]) expect(output).not.toContain(secret);
    }
    // The dump does hold the runs' work: the search looked at real content.
    expect(dump).toContain("Enter the password");
    // The Playwright traces are zips: look inside each.
    const traces = await db.artifact.findMany({ where: { name: { contains: "-trace" } } });
    expect(traces.length).toBeGreaterThan(3);
    const traceBytes = traces.map((trace) => trace.sizeBytes);
    console.log(`[run-playbook] ${traces.length} trace parts, ${Math.round(traceBytes.reduce((a, b) => a + b, 0) / 1024)} KB in all, largest ${Math.round(Math.max(...traceBytes) / 1024)} KB`);
    const inside = traces.flatMap((trace) => [...zipEntries(Buffer.from(trace.content)).values()].map((entry) => entry.toString("latin1"))).join("\n");
    expect(inside).toContain("Billing Portal");
    for (const secret of [portal.password, TOTP_SECRET]) expect(inside).not.toContain(secret);
  });
});
