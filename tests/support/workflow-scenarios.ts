// One suite of task workflow scenarios, run against both engines (DBOS with a real worker process,
// Inngest through @inngest/test), so the two backends cannot drift apart: each scenario drives a
// task through the web side's domain functions and checks only what a person would see (task and
// run status, timeline, approvals, artifacts, what reached the outside world).
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { decideApproval, type DecideParams } from "@/lib/approvals/decide-approval";
import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { cancelTask } from "@/lib/tasks/cancel-task";
import { createTask } from "@/lib/tasks/create-task";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import {
  OPENAI_MODEL,
  answerOf,
  assistantTurns,
  lastToolResult,
  scenarios,
  sleep,
  timeline,
  waitForStatus,
  type FixtureSite,
  type TaskStatusName,
} from "./agent-harness";
import { createTestUser } from "./factories";

/** Approvals expire this long after they are asked (both backends are configured with it). */
export const APPROVAL_TTL_MS = 6000;

export interface WorkflowBackend {
  db: Db;
  /** The web side's dispatcher for this engine. */
  engine: TaskDispatcher;
  site: FixtureSite;
  /** Stops running workflows (DBOS: the worker exits; Inngest: the server stops calling functions). */
  stop(): Promise<void>;
  /** Runs them again (DBOS: a new worker recovers them; Inngest: the server goes on). */
  restart(): Promise<void>;
  /** What to show when a scenario times out (the worker's output, the server's runs). */
  diagnostics(): string;
}

const ORDER = { item: "coffee beans", quantity: 2 };

// "answer" replies at once; "order" POSTs the order to the sink URL named in the prompt
// ("sink=<url>"), then reports what the tool said.
export const workflowScript = scenarios({
  answer: () => ({ text: "# Hello\n\nHello from the scripted model." }),
  order: ({ input }) => {
    const first = input[0]?.type === "user" ? input[0].text : "";
    const sink = /sink=(\S+)/.exec(first)?.[1] ?? "http://127.0.0.1:9/unknown";
    if (assistantTurns(input) === 0) return { text: "I will place the order.", toolCalls: [{ name: "http_request", arguments: { url: sink, method: "POST", body: ORDER } }] };
    return { text: `# Order\n\nThe tool said: ${lastToolResult(input)?.output ?? "(nothing)"}` };
  },
});

async function statusOf(backend: WorkflowBackend, taskId: string, status: TaskStatusName, timeoutMs = 30_000) {
  try {
    return await waitForStatus(backend.db, taskId, status, undefined, timeoutMs);
  } catch (error) {
    throw new Error(`${String(error)}\n${backend.diagnostics()}`);
  }
}

async function statuses(db: Db, taskId: string): Promise<string[]> {
  return (await timeline(db, taskId)).filter((event) => event.type === "task.status").map((event) => (event.data as { status: string }).status);
}

function decide(backend: WorkflowBackend, params: Omit<DecideParams, "via">) {
  return decideApproval({ db: backend.db, engine: backend.engine, tools: builtinArgumentValidator }, { via: "api", ...params });
}

/** A task whose agent asks to POST an order to its own sink path, now waiting for a decision. */
async function orderAwaitingApproval(backend: WorkflowBackend) {
  const { db, site } = backend;
  const userId = await createTestUser(db, "Approver");
  const sinkPath = `/orders/${randomUUID()}`;
  const { prompt, id } = workflowScript.prompt("order", `Order coffee. sink=${site.origin}${sinkPath}`);
  const { task } = await createTask({ db, engine: backend.engine }, { userId, title: "Order coffee", prompt, ...OPENAI_MODEL });
  await statusOf(backend, task.id, "waiting_approval");
  const approval = await db.approval.findFirstOrThrow({ where: { taskId: task.id, status: "pending" } });
  expect(approval).toMatchObject({ toolName: "http_request", risk: "external", target: `POST ${site.origin}${sinkPath}` });
  expect(site.sinkRequests(sinkPath)).toEqual([]);
  return { userId, taskId: task.id, approval, sinkPath, turns: () => workflowScript.turns(id) };
}

async function runOf(db: Db, taskId: string) {
  return db.run.findFirstOrThrow({ where: { taskId }, orderBy: { number: "desc" } });
}

export interface WorkflowScenario {
  name: string;
  run(backend: WorkflowBackend): Promise<void>;
}

export const workflowScenarios: WorkflowScenario[] = [
  {
    name: "a task runs to completion and its answer is saved",
    async run(backend) {
      const { db } = backend;
      const userId = await createTestUser(db);
      const { prompt } = workflowScript.prompt("answer", "Say hello.");
      const { task } = await createTask({ db, engine: backend.engine }, { userId, title: "Hello", prompt, ...OPENAI_MODEL });
      await statusOf(backend, task.id, "completed");
      const run = await runOf(db, task.id);
      expect(run).toMatchObject({ status: "completed", number: 1 });
      expect(await answerOf(db, run.id)).toContain("Hello from the scripted model.");
      expect(await statuses(db, task.id)).toEqual(["running", "completed"]);
    },
  },
  {
    name: "approved: the POST is sent exactly once and the task completes",
    async run(backend) {
      const { userId, taskId, approval, sinkPath } = await orderAwaitingApproval(backend);
      await decide(backend, { userId, approvalId: approval.id, decision: "approve" });
      await statusOf(backend, taskId, "completed");
      expect(backend.site.sinkRequests(sinkPath).map((request) => [request.method, request.body])).toEqual([["POST", JSON.stringify(ORDER)]]);
      expect(await answerOf(backend.db, (await runOf(backend.db, taskId)).id)).toContain('"status":201');
      expect(await statuses(backend.db, taskId)).toEqual(["running", "waiting_approval", "running", "completed"]);
    },
  },
  {
    name: "denied with a note: nothing is sent and the model's next turn hears the note",
    async run(backend) {
      const { userId, taskId, approval, sinkPath, turns } = await orderAwaitingApproval(backend);
      const note = "We have beans; order tea next week.";
      await decide(backend, { userId, approvalId: approval.id, decision: "deny", note });
      await statusOf(backend, taskId, "completed");
      expect(backend.site.sinkRequests(sinkPath)).toEqual([]);
      expect(lastToolResult(turns()[1]!.input)?.output).toContain(`Their note: ${note}`);
      expect((await timeline(backend.db, taskId)).filter((event) => event.type === "tool.called")).toHaveLength(0);
    },
  },
  {
    name: "unanswered: the approval expires, the POST is never sent and the task fails saying so",
    async run(backend) {
      const { taskId, approval, sinkPath } = await orderAwaitingApproval(backend);
      const failed = await statusOf(backend, taskId, "failed", APPROVAL_TTL_MS + 20_000);
      expect(failed.statusReason).toContain("Nobody approved http_request");
      expect(await backend.db.approval.findUniqueOrThrow({ where: { id: approval.id } })).toMatchObject({ status: "expired", decidedAt: null });
      expect((await runOf(backend.db, taskId)).status).toBe("failed");
      expect(backend.site.sinkRequests(sinkPath)).toEqual([]);
    },
  },
  {
    name: "canceled while waiting for approval: nothing is sent and task and run end canceled",
    async run(backend) {
      const { userId, taskId, approval, sinkPath } = await orderAwaitingApproval(backend);
      await cancelTask({ db: backend.db, engine: backend.engine }, { userId, taskId });
      await statusOf(backend, taskId, "canceled");
      await expect.poll(async () => (await runOf(backend.db, taskId)).status, { timeout: 20_000 }).toBe("canceled");
      expect(await backend.db.approval.findUniqueOrThrow({ where: { id: approval.id } })).toMatchObject({ status: "denied", decidedVia: "cancel" });
      await sleep(300);
      expect(backend.site.sinkRequests(sinkPath)).toEqual([]);
      expect((await backend.db.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe("canceled");
    },
  },
  {
    name: "a decision made while the engine is stopped is acted on once it runs again",
    async run(backend) {
      const { userId, taskId, approval, sinkPath } = await orderAwaitingApproval(backend);
      await backend.stop();
      try {
        await decide(backend, { userId, approvalId: approval.id, decision: "approve" });
      } finally {
        await backend.restart();
      }
      await statusOf(backend, taskId, "completed");
      expect(backend.site.sinkRequests(sinkPath)).toHaveLength(1);
    },
  },
];
