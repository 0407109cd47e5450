// Approvals end to end: the agent asks to POST to a sink on 127.0.0.1 (allowlisted, "external",
// so the default policy asks), and a person approves, denies with a note, edits the arguments,
// or lets the request expire. The real worker, real Postgres, the real OpenAI SDK against the
// scripted model, and decideApproval as the API route calls it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decideApproval, type DecideParams } from "@/lib/approvals/decide-approval";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { createTask } from "@/lib/tasks/create-task";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import {
  OPENAI_MODEL,
  answerOf,
  assistantTurns,
  configureModelsInThisProcess,
  expectAppError,
  lastToolResult,
  scenarios,
  sleep,
  startAgentWorker,
  startFixtureSite,
  timeline,
  waitForPendingApproval,
  waitForStatus,
  type AgentWorker,
  type FixtureSite,
} from "../support/agent-harness";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";

configureModelsInThisProcess();

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let site: FixtureSite;
let model: ScriptedModelServer;
let worker: AgentWorker;
let userId: string;

const ORDER = { item: "coffee beans", quantity: 2 };

// Posts an order to the sink path named in the prompt ("sink=/orders/<id>"), then reports what
// the tool said, word for word, so a test can see what the agent was told.
const scripted = scenarios({
  order: ({ input }) => {
    const first = input[0]?.type === "user" ? input[0].text : "";
    const sinkPath = /sink=(\S+)/.exec(first)?.[1] ?? "/orders/unknown";
    if (assistantTurns(input) === 0) {
      return {
        text: "I will place the order.",
        toolCalls: [{ name: "http_request", arguments: { url: `${site.origin}${sinkPath}`, method: "POST", body: ORDER } }],
      };
    }
    return { text: `# Order\n\nThe tool said: ${lastToolResult(input)?.output ?? "(nothing)"}` };
  },
});

beforeAll(async () => {
  pg = await testDatabase("agent-approvals");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  site = await startFixtureSite();
  model = await startScriptedModelServer({ latencyMs: 150, script: scripted.script });
  worker = await startAgentWorker({ databaseUrl: pg.url, workerId: `agent-approvals-${randomUUID().slice(0, 8)}`, model });
  userId = await createTestUser(db, "Approver");
});

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close(), site?.close()]);
  await pg?.destroy();
});

function decide(params: Omit<DecideParams, "via">) {
  return decideApproval({ db, engine, tools: builtinArgumentValidator }, { via: "api", ...params });
}

/** A task that asks to POST an order to its own sink path, waiting for a decision. */
async function orderAwaitingApproval() {
  const sinkPath = `/orders/${randomUUID()}`;
  const { prompt, id } = scripted.prompt("order", `Order coffee. sink=${sinkPath}`);
  const { task } = await createTask({ db, engine }, { userId, title: "Order coffee", prompt, ...OPENAI_MODEL });
  const approval = await waitForPendingApproval(db, task.id, worker);
  expect(approval).toMatchObject({ toolName: "http_request", risk: "external", target: `POST ${site.origin}${sinkPath}`, arguments: { url: `${site.origin}${sinkPath}`, method: "POST", body: ORDER } });
  // Nothing reaches the sink before a decision.
  expect(site.sinkRequests(sinkPath)).toEqual([]);
  return { taskId: task.id, approval, sinkPath, turns: () => scripted.turns(id) };
}

async function completedAnswer(taskId: string) {
  await waitForStatus(db, taskId, "completed", worker);
  const run = await db.run.findFirstOrThrow({ where: { taskId } });
  return answerOf(db, run.id);
}

describe("a POST that waits for approval", () => {
  test("approved: the sink gets exactly one POST with the body; nobody else can decide and no one can decide twice", async () => {
    const { taskId, approval, sinkPath } = await orderAwaitingApproval();

    const stranger = await createTestUser(db, "Stranger");
    await expectAppError(decide({ userId: stranger, approvalId: approval.id, decision: "approve" }), "NOT_FOUND");
    expect((await db.approval.findUniqueOrThrow({ where: { id: approval.id } })).status).toBe("pending");

    const decided = await decide({ userId, approvalId: approval.id, decision: "approve" });
    expect(decided).toMatchObject({ status: "approved", decidedVia: "api" });

    const answer = await completedAnswer(taskId);
    expect(site.sinkRequests(sinkPath)).toEqual([{ method: "POST", path: sinkPath, contentType: "application/json", body: JSON.stringify(ORDER) }]);
    expect(answer).toContain('"status":201');

    const again = await expectAppError(decide({ userId, approvalId: approval.id, decision: "deny" }), "CONFLICT");
    expect(again.message).toBe("This request was already approved.");
    expect(again.status).toBe(409);
    const statuses = (await timeline(db, taskId)).filter((e) => e.type === "task.status").map((e) => (e.data as { status: string }).status);
    expect(statuses).toEqual(["running", "waiting_approval", "running", "completed"]);
  });

  test("denied with a note: nothing is sent, and the model's next turn is told the note", async () => {
    const { taskId, approval, sinkPath, turns } = await orderAwaitingApproval();
    const note = "We already have beans; order tea next week instead.";
    await decide({ userId, approvalId: approval.id, decision: "deny", note });

    const answer = await completedAnswer(taskId);
    expect(site.sinkRequests(sinkPath)).toEqual([]);
    const next = turns()[1]!;
    const result = lastToolResult(next.input)!;
    expect(result.toolName).toBe("http_request");
    expect(result.output).toContain("The person denied this http_request call.");
    expect(result.output).toContain(`Their note: ${note}`);
    expect(answer).toContain(note);
    expect(await db.approval.findUniqueOrThrow({ where: { id: approval.id } })).toMatchObject({ status: "denied", decisionNote: note });
    const events = await timeline(db, taskId);
    expect(events.filter((e) => e.type === "tool.called")).toHaveLength(0);
  });

  test("edited: an invalid edit is refused and leaves it pending; a valid one sends the edited body", async () => {
    const { taskId, approval, sinkPath } = await orderAwaitingApproval();
    const url = `${site.origin}${sinkPath}`;

    const invalid = await expectAppError(
      decide({ userId, approvalId: approval.id, decision: "approve", arguments: { url, method: "PATCH", body: { item: "tea" } } }),
      "BAD_REQUEST",
    );
    expect(invalid.status).toBe(400);
    expect(invalid.fieldErrors).toHaveProperty("method");
    const denyWithEdit = await expectAppError(decide({ userId, approvalId: approval.id, decision: "deny", arguments: { url, method: "POST" } }), "BAD_REQUEST");
    expect(denyWithEdit.message).toMatch(/only make sense when approving/);
    const untouched = await db.approval.findUniqueOrThrow({ where: { id: approval.id } });
    expect(untouched).toMatchObject({ status: "pending", decidedAt: null, editedArguments: null });
    await sleep(300);
    expect((await db.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe("waiting_approval");
    expect(site.sinkRequests(sinkPath)).toEqual([]);

    const edited = { item: "green tea", quantity: 1 };
    await decide({ userId, approvalId: approval.id, decision: "approve", arguments: { url, method: "POST", body: edited } });
    await completedAnswer(taskId);
    expect(site.sinkRequests(sinkPath).map((request) => [request.method, request.body])).toEqual([["POST", JSON.stringify(edited)]]);
    const stored = await db.approval.findUniqueOrThrow({ where: { id: approval.id } });
    expect(stored).toMatchObject({ status: "approved", arguments: { body: ORDER }, editedArguments: { method: "POST", body: edited } });
    const called = (await timeline(db, taskId)).find((e) => e.type === "tool.called");
    expect((called?.data as { arguments: unknown }).arguments).toMatchObject({ body: edited });
  });

  test("edited to another target: the approval and the timeline name the call that ran, not the agent's", async () => {
    const { taskId, approval, sinkPath } = await orderAwaitingApproval();
    const editedPath = `/orders/${randomUUID()}`;
    const decided = await decide({ userId, approvalId: approval.id, decision: "approve", arguments: { url: `${site.origin}${editedPath}`, method: "PUT", body: ORDER } });
    // What the history shows: the edited target and arguments; the agent's request is kept beside them.
    expect(decided).toMatchObject({
      status: "approved",
      target: `PUT ${site.origin}${editedPath}`,
      editedArguments: { url: `${site.origin}${editedPath}`, method: "PUT" },
      arguments: { url: `${site.origin}${sinkPath}`, method: "POST" },
    });
    await completedAnswer(taskId);
    expect(site.sinkRequests(sinkPath)).toEqual([]);
    expect(site.sinkRequests(editedPath).map((request) => request.method)).toEqual(["PUT"]);
    const events = await timeline(db, taskId);
    const decision = events.find((e) => e.type === "approval.decided");
    expect(decision?.message).toBe(`Approved with edits: http_request on PUT ${site.origin}${editedPath} instead of POST ${site.origin}${sinkPath}`);
    const called = events.find((e) => e.type === "tool.called");
    expect((called?.data as { arguments: unknown }).arguments).toMatchObject({ url: `${site.origin}${editedPath}`, method: "PUT" });
  });
});

describe("an approval nobody answers", () => {
  test("expires: the task fails saying so, the POST is never sent, and a late decision is refused", async () => {
    // A worker whose approvals expire after 1.5 s, alone on the queue.
    await worker.kill("SIGTERM");
    worker = await startAgentWorker({
      databaseUrl: pg.url,
      workerId: `agent-approvals-ttl-${randomUUID().slice(0, 8)}`,
      model,
      env: { BATON_APPROVAL_TTL_MS: "1500" },
    });
    const { taskId, approval, sinkPath } = await orderAwaitingApproval();
    expect(approval.expiresAt.getTime() - approval.requestedAt.getTime()).toBeGreaterThanOrEqual(1400);
    expect(approval.expiresAt.getTime() - approval.requestedAt.getTime()).toBeLessThan(5000);

    const failed = await waitForStatus(db, taskId, "failed", worker, 15_000);
    expect(failed.statusReason).toContain("Nobody approved http_request");
    expect(await db.approval.findUniqueOrThrow({ where: { id: approval.id } })).toMatchObject({ status: "expired", decidedAt: null });

    const late = await expectAppError(decide({ userId, approvalId: approval.id, decision: "approve" }), "CONFLICT");
    expect(late.message).toMatch(/expired/);
    await waitFor(async () => (await db.run.findFirstOrThrow({ where: { taskId } })).status === "failed", { what: "the run to fail" });
    await sleep(300);
    expect(site.sinkRequests(sinkPath)).toEqual([]);
    const events = await timeline(db, taskId);
    expect(events.map((e) => e.type)).toContain("approval.expired");
    expect(events.filter((e) => e.type === "tool.called")).toHaveLength(0);
  });
});
