// The demo model end to end: a real worker (real DBOS, real Postgres) runs demo-model tasks whose
// tools read Baton's own demo sources (served here by the same code as app/demo/[...path]) through
// the SSRF guard's narrow opening: the worker has no allowlist. A brief is written from what the
// tools returned; a send waits for approval, and the demo sink's receipt lands on the timeline.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { createDb, type Db } from "@/lib/db";
import { DEMO_EVENTS } from "@/lib/demo/demo-content";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { createTask } from "@/lib/tasks/create-task";
import { getTaskOrThrow } from "@/lib/tasks/get-task";
import { postMessage } from "@/lib/tasks/messages";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import { answerOf, timeline, waitForPendingApproval, waitForStatus } from "../support/agent-harness";
import { startDemoSourcesServer, type DemoSourcesServer } from "../support/demo-sources-server";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { startWorker, type WorkerProcess } from "../support/worker-process";
import { waitFor } from "../support/wait-for";

const DEMO = { provider: "demo", model: "scripted" } as const;
let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let demo: DemoSourcesServer;
let worker: WorkerProcess;
let userId: string;

beforeAll(async () => {
  pg = await testDatabase("demo-model");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  demo = await startDemoSourcesServer();
  // The worker finds the demo sources where the web server would be: PORT on BATON_HOST.
  worker = await startWorker({
    databaseUrl: pg.url,
    workerId: `demo-model-${randomUUID().slice(0, 8)}`,
    env: { PORT: String(demo.port), BATON_HOST: "127.0.0.1", BATON_HTTP_ALLOWLIST: "", BATON_DEMO_LATENCY_MS: "50", BATON_MODEL_POLL_MS: "100" },
  });
  userId = await createTestUser(db, "Newcomer");
});

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), demo?.close()]);
  await pg?.destroy();
});

async function artifactText(taskId: string, name: string): Promise<string> {
  const artifact = await db.artifact.findFirstOrThrow({ where: { taskId, name }, orderBy: { createdAt: "desc" } });
  return Buffer.from(artifact.content).toString("utf8");
}

describe("the demo model", () => {
  test("a brief: read_feed and read_calendar on the served demo sources, then brief.md from what they returned", async () => {
    const { task } = await createTask({ db, engine }, { userId, title: "Brief", prompt: "Write my morning brief.", ...DEMO });
    await waitForStatus(db, task.id, "completed", worker);

    expect(demo.requests).toEqual(expect.arrayContaining(["GET /demo/feed.xml", "GET /demo/calendar.ics"]));
    const brief = await artifactText(task.id, "brief.md");
    for (const event of DEMO_EVENTS) expect(brief).toContain(event.title);
    expect(brief).toContain("Harbour bridge reopens after overnight repairs");

    const events = await timeline(db, task.id);
    const messages = events.map((event) => event.message);
    expect(messages).toContain("Asked Demo model; working in the background");
    expect(messages).toContain(`read_feed: Read 5 of 5 items from the RSS feed at 127.0.0.1:${demo.port}`);
    expect(messages).toContain(`read_calendar: Read 3 events from 127.0.0.1:${demo.port}`);
    expect(messages).toContain("write_artifact: Wrote brief.md (" + Buffer.byteLength(brief) + " bytes)");
    expect(messages.filter((message) => message.startsWith("Turn "))).toHaveLength(3);
  });

  test("a follow-up starts a second run whose answer changes, labelled with its run", async () => {
    const { task } = await createTask({ db, engine }, { userId, title: "Metrics", prompt: "Turn this week's metrics into a CSV.", ...DEMO });
    await waitForStatus(db, task.id, "completed", worker);
    expect(await artifactText(task.id, "metrics.csv")).toContain("Support tickets,63,81,-22.2%");
    await postMessage({ db, engine }, { userId, taskId: task.id, body: "as a table" });
    const second = await waitFor(async () => (await db.run.findFirst({ where: { taskId: task.id, number: 2, status: "completed" } })) ?? undefined, { timeoutMs: 30_000 });
    const [first] = await db.run.findMany({ where: { taskId: task.id, number: 1 } });
    expect(await answerOf(db, first!.id)).not.toContain("| Metric |");
    expect(await answerOf(db, second.id)).toContain("| Support tickets | 63 | 81 | -22.2% |");
    const detail = await getTaskOrThrow(db, { userId, taskId: task.id });
    expect(detail.runs.map((run) => run.followUp)).toEqual([null, "as a table"]);
  });

  test("a send waits for approval; approved, the demo sink's receipt is the tool's result on the timeline", async () => {
    const prompt = 'Post "Stand-up moves to 10:00" to the team channel.';
    const { task } = await createTask({ db, engine }, { userId, title: "Post", prompt, ...DEMO });
    const approval = await waitForPendingApproval(db, task.id, worker);
    const sinkUrl = `http://127.0.0.1:${demo.port}/demo/sink`;
    expect(approval).toMatchObject({ toolName: "http_request", risk: "external", target: `POST ${sinkUrl}`, arguments: { url: sinkUrl, method: "POST", body: { text: "Stand-up moves to 10:00" } } });
    expect(demo.requests).not.toContain("POST /demo/sink");

    await decideApproval({ db, engine, tools: builtinArgumentValidator }, { userId, approvalId: approval.id, decision: "approve", via: "api" });
    await waitForStatus(db, task.id, "completed", worker);
    expect(demo.requests.filter((request) => request === "POST /demo/sink")).toHaveLength(1);

    const detail = await getTaskOrThrow(db, { userId, taskId: task.id });
    const called = detail.events.find((event) => event.type === "tool.called")!;
    expect(called.message).toBe(`http_request: POST ${sinkUrl} → 201`);
    const receipt = (JSON.parse(called.result!) as { body: { receipt: { id: string; bytesReceived: number } } }).body.receipt;
    expect(receipt).toMatchObject({ id: expect.stringMatching(/^rcpt_[0-9a-f]{12}$/), bytesReceived: JSON.stringify({ text: "Stand-up moves to 10:00" }).length });
    expect(await answerOf(db, detail.runs[0]!.id)).toContain(`receipt **${receipt.id}**`);
  });

  test("a denied send is not sent, and the answer says so", async () => {
    const { task } = await createTask({ db, engine }, { userId, title: "Notify", prompt: "Notify the team that the release is out.", ...DEMO });
    const approval = await waitForPendingApproval(db, task.id, worker);
    const before = demo.requests.length;
    await decideApproval({ db, engine, tools: builtinArgumentValidator }, { userId, approvalId: approval.id, decision: "deny", via: "api" });
    await waitForStatus(db, task.id, "completed", worker);
    expect(demo.requests.slice(before)).toEqual([]);
    const run = await db.run.findFirstOrThrow({ where: { taskId: task.id } });
    expect(await answerOf(db, run.id)).toContain("I did not send anything: you denied the request");
  });
});
