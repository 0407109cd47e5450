// A step cut off after its transaction committed runs again when the worker restarts (DBOS had
// not checkpointed it). What it wrote must not be written twice, and what it returned must be
// returned again: tool calls (the effect journal), model turns, and follow-ups read.
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { recordedModelTurn } from "@/lib/agent/model-turns";
import { recordTurn } from "@/lib/agent/record-turn";
import { runToolCall } from "@/lib/agent/tool-step";
import { db } from "@/lib/db";
import { openEffect } from "@/lib/effects/effect-journal";
import { createTask } from "@/lib/tasks/create-task";
import { takeMessages } from "@/lib/tasks/messages";
import { beginRun, finishRun, recordModelResponse } from "@/lib/tasks/run-lifecycle";
import { ToolError, type ToolDefinition } from "@/lib/tools/types";
import { requestApproval } from "@/lib/approvals/request-approval";
import { resumeAfterApproval } from "@/lib/approvals/resume-after-approval";
import { cancelTask } from "@/lib/tasks/cancel-task";
import { createPendingApproval, createTestUser } from "../support/factories";
import { testToolContext } from "../support/tool-context";

const engine = { startRun: async () => {}, signal: async () => {}, deliverNotification: async () => {} };
afterAll(() => db().$disconnect());

async function newRun() {
  const userId = await createTestUser(db(), "Replayer");
  const { task } = await createTask({ db: db(), engine }, { userId, title: "Replay", prompt: "p", runAt: new Date(Date.now() + 3600_000) });
  const run = await db().run.findFirstOrThrow({ where: { taskId: task.id } });
  return { taskId: task.id, runId: run.id };
}

/** A tool that acts elsewhere and remembers every key it was called with. */
function postingTool(behaviour: (key: string) => unknown = () => ({ status: 201 })) {
  const keys: string[] = [];
  const tool: ToolDefinition = {
    name: "post_note",
    description: "test",
    input: z.object({ note: z.string() }),
    risk: () => "external",
    target: () => "https://notes.example",
    idempotent: () => false,
    async run(_args, context) {
      keys.push(context.idempotencyKey);
      return { output: behaviour(context.idempotencyKey), summary: "posted" };
    },
  };
  return { tool, keys };
}

const events = (taskId: string, type: string) => db().timelineEvent.findMany({ where: { taskId, type }, orderBy: { id: "asc" } });

describe("a tool step run again", () => {
  it("after its outcome was recorded: returns it without calling again, one timeline event", async () => {
    const { taskId, runId } = await newRun();
    const { tool, keys } = postingTool();
    const params = { tool, args: { note: "hi" }, context: testToolContext({ taskId, runId }), call: { key: "1-1", id: "call_a" } };
    const first = await runToolCall(db(), params);
    const again = await runToolCall(db(), params);
    expect(again).toEqual(first);
    expect(keys).toHaveLength(1);
    expect(await events(taskId, "tool.called")).toHaveLength(1);
  });

  it("after a crash before its outcome: calls again with the same key and says so", async () => {
    const { taskId, runId } = await newRun();
    const { tool, keys } = postingTool();
    // The first attempt wrote its intent, sent the call, and the worker died.
    const crashed = await openEffect(db(), { runId, callKey: "1-1", callId: "call_b", tool: tool.name });
    const outcome = await runToolCall(db(), { tool, args: { note: "hi" }, context: testToolContext({ taskId, runId }), call: { key: "1-1", id: "call_b" } });
    expect(outcome.ok).toBe(true);
    expect(crashed.kind).toBe("first");
    expect(keys).toEqual([crashed.kind === "first" ? crashed.idempotencyKey : ""]);
    const [retried] = await events(taskId, "tool.retried");
    expect(retried?.message).toBe("post_note retried after a restart (same idempotency key)");
    expect(await events(taskId, "tool.called")).toHaveLength(1);
  });

  it("after an error: the next attempt names the error, and a tool error is an outcome, not a retry", async () => {
    const { taskId, runId } = await newRun();
    let calls = 0;
    const { tool } = postingTool(() => {
      calls++;
      if (calls === 1) throw new Error("socket hang up");
      throw new ToolError("The notes service answered 422.");
    });
    const params = { tool, args: { note: "hi" }, context: testToolContext({ taskId, runId }), call: { key: "2-1", id: "call_c" } };
    await expect(runToolCall(db(), params)).rejects.toThrow("socket hang up");
    expect(await runToolCall(db(), params)).toEqual({ ok: false, output: "The notes service answered 422." });
    expect(await runToolCall(db(), params)).toEqual({ ok: false, output: "The notes service answered 422." });
    expect(calls).toBe(2);
    expect((await events(taskId, "tool.retried")).map((event) => event.message)).toEqual(["post_note retried after an error (socket hang up) (same idempotency key)"]);
  });

  it("gives every call of a run its own key, the same on every attempt", async () => {
    const { runId } = await newRun();
    const keyOf = async (callKey: string, callId: string) => {
      const effect = await openEffect(db(), { runId, callKey, callId, tool: "t" });
      return effect.kind === "recorded" ? "" : effect.idempotencyKey;
    };
    const a = await keyOf("1-1", "call_x");
    expect(await keyOf("1-1", "call_x")).toBe(a);
    expect(await keyOf("1-2", "call_y")).not.toBe(a);
  });
});

describe("a model turn recorded again", () => {
  it("counts its tokens once and is on the timeline once", async () => {
    const { taskId, runId } = await newRun();
    const turn = { taskId, runId, model: "gpt-5-mini", turn: 1, result: { text: "", toolCalls: [], usage: { inputTokens: 1000, outputTokens: 200 } } };
    const first = await recordTurn(db(), turn);
    const again = await recordTurn(db(), turn);
    expect(again).toEqual(first);
    expect(first.tokens).toBe(1200);
    expect(await events(taskId, "model.turn")).toHaveLength(1);
  });
});

describe("a model step run again in a resumed workflow", () => {
  const toolTurn = { text: "Posting it.", toolCalls: [{ id: "call_1", name: "post_note", arguments: { note: "hi" } }], usage: { inputTokens: 10, outputTokens: 5 } };
  const finalTurn = { text: "Done.", toolCalls: [], usage: { inputTokens: 20, outputTokens: 8 } };

  it("returns what the model answered, once the run recorded it: a turn with tool calls, and the final one", async () => {
    const { taskId, runId } = await newRun();
    await beginRun(db(), runId);
    expect(await recordedModelTurn(db(), { runId, turn: 1 })).toBeNull();
    await recordTurn(db(), { taskId, runId, model: "gpt-5-mini", turn: 1, result: toolTurn });
    await finishRun(db(), { runId, outcome: "completed", finalTurn: { model: "gpt-5-mini", turn: 2, result: finalTurn } });
    expect(await recordedModelTurn(db(), { runId, turn: 1 })).toEqual({ kind: "done", result: toolTurn });
    expect(await recordedModelTurn(db(), { runId, turn: 2 })).toEqual({ kind: "done", result: finalTurn });
  });

  it("returns the background response it started, though the answer polled for it was recorded later", async () => {
    const { taskId, runId } = await newRun();
    await beginRun(db(), runId);
    await recordModelResponse(db(), { runId, taskId, turn: 1, responseId: "resp_1", provider: "openai", model: "gpt-5-mini" });
    await finishRun(db(), { runId, outcome: "completed", finalTurn: { model: "gpt-5-mini", turn: 1, result: finalTurn } });
    expect(await recordedModelTurn(db(), { runId, turn: 1 })).toEqual({ kind: "background", responseId: "resp_1" });
  });

  it("says the run ended when it ended with nothing recorded for the turn (its model step failed)", async () => {
    const { runId } = await newRun();
    await beginRun(db(), runId);
    await finishRun(db(), { runId, outcome: "failed", reason: "The model answered 500." });
    expect(await recordedModelTurn(db(), { runId, turn: 1 })).toEqual({ kind: "ended" });
  });
});

describe("follow-ups read again", () => {
  it("are the same messages, not none", async () => {
    const { taskId, runId } = await newRun();
    await db().taskMessage.create({ data: { taskId, body: "Also add eggs." } });
    const read = await takeMessages(db(), { taskId, runId, stepKey: "read-messages-2" });
    await db().taskMessage.create({ data: { taskId, body: "And bread." } });
    expect(await takeMessages(db(), { taskId, runId, stepKey: "read-messages-2" })).toEqual(read);
    expect(read).toEqual(["Also add eggs."]);
    expect(await takeMessages(db(), { taskId, runId, stepKey: "read-messages-3" })).toEqual(["And bread."]);
  });
});

describe("the resume after a decision, run again", () => {
  const statusOf = async (taskId: string) => (await db().task.findUniqueOrThrow({ where: { id: taskId } })).status;

  it("answers as it first did and moves nothing, though the task waits on a later approval by then", async () => {
    const userId = await createTestUser(db(), "Resumer");
    const { taskId, runId } = await createPendingApproval(db(), { userId });
    expect(await resumeAfterApproval(db(), { taskId, runId, stepKey: "resume-1" })).toBe(true);
    expect(await statusOf(taskId)).toBe("running");

    // The run goes on to a second risky call and waits again; then a resumption replays the first resume.
    await requestApproval(db(), {
      taskId,
      runId,
      callId: "call-second",
      toolName: "http_request",
      arguments: { method: "POST", url: "https://hooks.example.com/again" },
      target: "POST https://hooks.example.com/again",
      reason: "send it again",
      risk: "external",
      requestedAt: new Date(),
      expiresAt: new Date(Date.now() + 3600_000),
    });
    expect(await resumeAfterApproval(db(), { taskId, runId, stepKey: "resume-1" })).toBe(true);
    expect(await statusOf(taskId)).toBe("waiting_approval");
    expect((await events(taskId, "task.status")).map((event) => event.message)).toEqual(["Waiting for approval", "Running", "Waiting for approval"]);
  });

  it("says canceled again for a task canceled while it waited, and resumed again once it had resumed", async () => {
    const userId = await createTestUser(db(), "Canceler");
    const { taskId, runId } = await createPendingApproval(db(), { userId });
    await cancelTask({ db: db(), engine }, { userId, taskId });
    expect(await resumeAfterApproval(db(), { taskId, runId, stepKey: "resume-1" })).toBe(false);
    expect(await resumeAfterApproval(db(), { taskId, runId, stepKey: "resume-1" })).toBe(false);
    expect(await statusOf(taskId)).toBe("canceled");

    const resumedThenCanceled = await createPendingApproval(db(), { userId });
    expect(await resumeAfterApproval(db(), { ...resumedThenCanceled, stepKey: "resume-1" })).toBe(true);
    await cancelTask({ db: db(), engine }, { userId, taskId: resumedThenCanceled.taskId });
    expect(await resumeAfterApproval(db(), { ...resumedThenCanceled, stepKey: "resume-1" })).toBe(true);
  });
});
