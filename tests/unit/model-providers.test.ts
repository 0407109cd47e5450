// The real openai SDK against the scripted server over HTTP: the same code path a real
// OpenAI (background mode) or OpenAI-compatible server would take.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAiChatProvider } from "@/lib/agent/providers/openai-chat";
import { openAiResponsesProvider } from "@/lib/agent/providers/openai-responses";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";

let slow: ScriptedModelServer;
let fast: ScriptedModelServer;
const request = { model: "scripted", instructions: "Be brief.", input: "Write a haiku about queues" };

beforeAll(async () => {
  slow = await startScriptedModelServer({ latencyMs: 300, reply: (input) => `echo: ${input}` });
  fast = await startScriptedModelServer({ reply: (input) => `fast: ${input}` });
});
afterAll(async () => {
  await Promise.all([slow.close(), fast.close()]);
});

const client = (server: ScriptedModelServer) => new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 });

describe("OpenAI Responses provider (background mode)", () => {
  it("starts in the background, reports pending, then the answer with usage", async () => {
    const provider = openAiResponsesProvider(client(slow));
    const start = await provider.start(request, { idempotencyKey: "run-1-start" });
    expect(start.kind).toBe("background");
    if (start.kind !== "background") return;
    expect(await provider.poll(start.responseId)).toEqual({ kind: "pending" });
    await new Promise((resolve) => setTimeout(resolve, 350));
    const done = await provider.poll(start.responseId);
    expect(done).toMatchObject({ kind: "done", result: { text: "echo: Write a haiku about queues" } });
    if (done.kind === "done") expect(done.result.usage.outputTokens).toBeGreaterThan(0);
  });

  it("answers at once when the response is already complete", async () => {
    const start = await openAiResponsesProvider(client(fast)).start(request, { idempotencyKey: "run-2-start" });
    expect(start).toMatchObject({ kind: "done", result: { text: "fast: Write a haiku about queues" } });
  });

  it("sends the idempotency key, so a repeated start does not create a second response", async () => {
    const provider = openAiResponsesProvider(client(slow));
    const before = slow.stats.responsesCreated;
    const first = await provider.start(request, { idempotencyKey: "run-3-start" });
    const second = await provider.start(request, { idempotencyKey: "run-3-start" });
    expect(second).toEqual(first);
    expect(slow.stats.responsesCreated - before).toBe(1);
  });

  it("cancels a background response", async () => {
    const provider = openAiResponsesProvider(client(slow));
    const start = await provider.start(request, { idempotencyKey: "run-4-start" });
    if (start.kind !== "background") throw new Error("expected a background response");
    await provider.cancel(start.responseId);
    expect(await provider.poll(start.responseId)).toEqual({ kind: "failed", message: "The model response was cancelled." });
  });

  it("turns a provider refusal into a readable ModelError", async () => {
    const provider = openAiResponsesProvider(client(slow));
    await expect(provider.poll("resp_unknown")).rejects.toThrow(/refused the request \(404\)/);
  });
});

describe("OpenAI-compatible provider (chat completions)", () => {
  it("answers in the foreground with usage", async () => {
    const start = await openAiChatProvider(client(fast)).start(request, { idempotencyKey: "run-5-start" });
    expect(start).toMatchObject({ kind: "done", result: { text: "fast: Write a haiku about queues" } });
    if (start.kind === "done") expect(start.result.usage.inputTokens).toBeGreaterThan(0);
  });
});
