// A task picking up where it left off: after a follow-up message (mid-run, and to a finished
// task), and after its worker was killed with SIGKILL while it waited for an approval. The real
// worker, real Postgres, the real OpenAI SDK against the scripted model, a sink on 127.0.0.1.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { createTask } from "@/lib/tasks/create-task";
import { postMessage } from "@/lib/tasks/messages";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import {
  OPENAI_MODEL,
  answerOf,
  assistantTurns,
  configureModelsInThisProcess,
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

const WORKER_ID = `agent-resume-${randomUUID().slice(0, 8)}`;
let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let site: FixtureSite;
let model: ScriptedModelServer;
let worker: AgentWorker;
let userId: string;

const FIRST_ANSWER = "# First answer";
const NOTE = { text: "Remember the milk" };

/** Called when the model is asked for a turn of the "quick" scenario; a test hooks in here. */
let onQuickTurn: ((turn: number) => void) | undefined;

const sinkPathOf = (input: { type: string; text?: string }[]) => /sink=(\S+)/.exec(input[0]?.text ?? "")?.[1] ?? "/notes/unknown";

const scripted = scenarios({
  // Run 1: POST a note (which waits for approval), then answer listing every follow-up it read.
  // Run 2 (its thread holds run 1's answer): answer the newest message.
  notes: ({ input }) => {
    const userTexts = input.flatMap((item) => (item.type === "user" ? [item.text] : []));
    if (input.some((item) => item.type === "assistant" && item.text.startsWith(FIRST_ANSWER))) {
      return { text: `# Second answer\n\nYou now asked: ${userTexts.at(-1)}` };
    }
    if (assistantTurns(input) === 0) {
      return { text: "Saving the note.", toolCalls: [{ name: "http_request", arguments: { url: `${site.origin}${sinkPathOf(input)}`, method: "POST", body: NOTE } }] };
    }
    return { text: `${FIRST_ANSWER}\n\nSaved. Follow-ups I read: ${userTexts.slice(1).join(" | ") || "(none)"}` };
  },
  // Answers at once, listing the follow-ups it has read.
  quick: ({ input }) => {
    onQuickTurn?.(assistantTurns(input) + 1);
    const userTexts = input.flatMap((item) => (item.type === "user" ? [item.text] : []));
    return { text: `# Quick answer\n\nFollow-ups I read: ${userTexts.slice(1).join(" | ") || "(none)"}` };
  },
});

beforeAll(async () => {
  pg = await testDatabase("agent-resume");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  site = await startFixtureSite();
  // Long enough for a test to post a follow-up while the model is still writing its answer.
  model = await startScriptedModelServer({ latencyMs: 400, script: scripted.script });
  worker = await startAgentWorker({ databaseUrl: pg.url, workerId: WORKER_ID, model });
  userId = await createTestUser(db, "Resumer");
});

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close(), site?.close()]);
  await pg?.destroy();
});

const approve = (approvalId: string) => decideApproval({ db, engine, tools: builtinArgumentValidator }, { userId, approvalId, decision: "approve", via: "api" });

async function noteAwaitingApproval() {
  const sinkPath = `/notes/${randomUUID()}`;
  const { prompt, id } = scripted.prompt("notes", `Save a note. sink=${sinkPath}`);
  const { task } = await createTask({ db, engine }, { userId, title: "Notes", prompt, ...OPENAI_MODEL });
  const approval = await waitForPendingApproval(db, task.id, worker);
  return { taskId: task.id, prompt, approval, sinkPath, turns: () => scripted.turns(id) };
}

describe("follow-up messages", () => {
  test("one sent while the task waits for approval reaches the next turn; one sent after it finished starts run 2 with the whole thread", async () => {
    const { taskId, prompt, approval, sinkPath, turns } = await noteAwaitingApproval();
    const midRun = "Also add eggs, please.";
    const posted = await postMessage({ db, engine }, { userId, taskId, body: midRun });
    expect(posted.newRunId).toBeNull();
    expect(await db.run.count({ where: { taskId } })).toBe(1);

    await approve(approval.id);
    await waitForStatus(db, taskId, "completed", worker);
    const [run1] = await db.run.findMany({ where: { taskId }, orderBy: { number: "asc" } });
    const firstAnswer = await answerOf(db, run1!.id);
    expect(firstAnswer).toContain(`Follow-ups I read: ${midRun}`);
    expect(site.sinkRequests(sinkPath)).toHaveLength(1);
    // Turn 2 read it after the tool's result, as a user message.
    const turn2 = turns()[1]!.input;
    expect(turn2.map((item) => item.type)).toEqual(["user", "assistant", "tool_result", "user"]);
    expect(turn2.at(-1)).toEqual({ type: "user", text: midRun });
    expect((await db.taskMessage.findFirstOrThrow({ where: { taskId } })).deliveredRunId).toBe(run1!.id);

    const later = "And what about bread?";
    const followUp = await postMessage({ db, engine }, { userId, taskId, body: later });
    expect(followUp.newRunId).toEqual(expect.any(String));
    await waitFor(async () => (await db.run.findUniqueOrThrow({ where: { id: followUp.newRunId! } })).status === "completed", {
      what: "run 2 to complete",
    });
    const done = await db.task.findUniqueOrThrow({ where: { id: taskId } });
    expect(done.status).toBe("completed");
    const runs = await db.run.findMany({ where: { taskId }, orderBy: { number: "asc" } });
    expect(runs.map((run) => [run.number, run.status])).toEqual([
      [1, "completed"],
      [2, "completed"],
    ]);
    expect(runs[1]!.id).toBe(followUp.newRunId);

    // Run 2's first turn: the request, the mid-run message, run 1's answer, then the new message.
    const run2First = turns()[2]!.input;
    expect(run2First).toEqual([
      { type: "user", text: prompt },
      { type: "user", text: midRun },
      { type: "assistant", text: firstAnswer, toolCalls: [] },
      { type: "user", text: later },
    ]);
    expect(await answerOf(db, runs[1]!.id)).toBe(`# Second answer\n\nYou now asked: ${later}`);
    expect(turns()).toHaveLength(3);
    // Run 2 did not repeat run 1's POST.
    expect(site.sinkRequests(sinkPath)).toHaveLength(1);
    const events = await timeline(db, taskId);
    expect(events.filter((e) => e.type === "message.sent")).toHaveLength(2);
    expect(events.filter((e) => e.type === "message.read").map((e) => e.runId)).toEqual([run1!.id, runs[1]!.id]);
  });
});

describe("a follow-up sent while the model writes its final answer", () => {
  test("is not lost: the agent reads it and answers it", async () => {
    const { prompt, id } = scripted.prompt("quick", "Answer quickly.");
    const late = "Wait, one more thing: add butter.";
    let asked = false;
    onQuickTurn = (turn) => {
      if (turn === 1) asked = true;
    };
    const { task } = await createTask({ db, engine }, { userId, title: "Quick", prompt, ...OPENAI_MODEL });
    try {
      // The model has been asked for its final answer and is still writing it (for latencyMs).
      await waitFor(async () => asked, { what: "the first model turn" });
      const posted = await postMessage({ db, engine }, { userId, taskId: task.id, body: late });
      // Sent while the run was still going (so left for the agent to read), not to a finished task.
      expect(posted.newRunId).toBeNull();
      await waitFor(
        async () => {
          const current = await db.task.findUniqueOrThrow({ where: { id: task.id }, include: { runs: true } });
          return current.status === "completed" && current.runs.every((run) => run.status === "completed");
        },
        // A run that finishes with an unread follow-up leaves it to a new run, which the worker's sweep starts.
        { what: "the task and its runs to complete", timeoutMs: 45_000 },
      );
      const message = await db.taskMessage.findFirstOrThrow({ where: { taskId: task.id } });
      expect(message.deliveredRunId, "the follow-up was never read").not.toBeNull();
      const runs = await db.run.findMany({ where: { taskId: task.id }, orderBy: { number: "asc" } });
      const lastAnswer = await answerOf(db, runs.at(-1)!.id);
      expect(lastAnswer).toContain(`Follow-ups I read: ${late}`);
      // The turn that read it saw it after the answer written without it.
      expect(scripted.turns(id).at(-1)!.input).toEqual([
        { type: "user", text: prompt },
        { type: "assistant", text: "# Quick answer\n\nFollow-ups I read: (none)", toolCalls: [] },
        { type: "user", text: late },
      ]);
    } finally {
      onQuickTurn = undefined;
    }
  });
});

describe("a worker killed while a task waits for approval", () => {
  test("the decision made while it is down is acted on when it restarts: the POST is sent once and the task completes", async () => {
    const before = { ...model.stats };
    const { taskId, approval, sinkPath, turns } = await noteAwaitingApproval();
    // Let the workflow settle into its wait for the decision.
    await sleep(500);

    await worker.kill("SIGKILL");
    expect(worker.child.signalCode).toBe("SIGKILL");
    const decided = await approve(approval.id);
    expect(decided.status).toBe("approved");
    // Nobody is left to act on it.
    await sleep(1000);
    expect(site.sinkRequests(sinkPath)).toEqual([]);
    expect((await db.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe("waiting_approval");

    worker = await startAgentWorker({ databaseUrl: pg.url, workerId: WORKER_ID, model });
    await waitForStatus(db, taskId, "completed", worker);
    expect(site.sinkRequests(sinkPath).map((request) => [request.method, request.body])).toEqual([["POST", JSON.stringify(NOTE)]]);
    const run = await db.run.findFirstOrThrow({ where: { taskId } });
    expect(run.status).toBe("completed");
    expect(await answerOf(db, run.id)).toContain("Saved.");

    // Recovered from its checkpoints: one approval, one tool call, the first turn not asked again.
    expect(await db.approval.count({ where: { taskId } })).toBe(1);
    const events = await timeline(db, taskId);
    expect(events.filter((e) => e.type === "approval.requested")).toHaveLength(1);
    expect(events.filter((e) => e.type === "tool.called")).toHaveLength(1);
    expect(events.filter((e) => e.type === "model.turn")).toHaveLength(2);
    expect(turns()).toHaveLength(2);
    expect(model.stats.createRequests - before.createRequests).toBe(2);
  });
});
