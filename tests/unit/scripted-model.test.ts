// The scripted model server itself, over raw HTTP: default script, error shapes, stateless
// background ids, stable tool call ids, and one conversation decoded alike from all three wires.
import { afterEach, describe, expect, it } from "vitest";
import { toMessages as toAnthropicMessages } from "@/lib/agent/providers/anthropic-messages";
import type { ConversationItem } from "@/lib/agent/providers/conversation";
import { toMessages as toChatMessages } from "@/lib/agent/providers/openai-chat";
import { toInputItems } from "@/lib/agent/providers/openai-responses";
import { scriptedReply } from "@/lib/agent/scripted-model/reply";
import { MAX_RESPONSE_ID_CHARS } from "@/lib/agent/scripted-model/responses-api";
import {
  REMEMBERED_IDEMPOTENCY_KEYS,
  startScriptedModelServer,
  type ScriptedModelOptions,
  type ScriptedModelServer,
  type ScriptedTurn,
} from "@/lib/agent/scripted-model/server";

const servers: ScriptedModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: ScriptedModelOptions = {}, listen: { port?: number } = {}) {
  const server = await startScriptedModelServer(options, listen);
  servers.push(server);
  return server;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- wire JSON read in assertions
}

const ANTHROPIC = { "anthropic-version": "2023-06-01" };

describe("scripted model server", () => {
  it("answers the first user message with the demo reply by default", async () => {
    const server = await start();
    const { json } = await post(`${server.url}/responses`, { model: "scripted", input: [{ role: "user", content: "Plan a trip" }, { role: "user", content: "later" }] });
    expect(json.status).toBe("completed");
    expect(json.output_text).toBe(scriptedReply("Plan a trip"));
  });

  it("keeps the text-only `reply` option working on all three APIs", async () => {
    const server = await start({ reply: (input) => `You asked: ${input}` });
    const responses = await post(`${server.url}/responses`, { model: "m", input: "A" });
    const chat = await post(`${server.url}/chat/completions`, { model: "m", messages: [{ role: "user", content: "B" }] });
    const messages = await post(`${server.anthropicUrl}/v1/messages`, { model: "m", max_tokens: 10, messages: [{ role: "user", content: "C" }] }, ANTHROPIC);
    expect(responses.json.output_text).toBe("You asked: A");
    expect(chat.json.choices[0].message).toMatchObject({ role: "assistant", content: "You asked: B" });
    expect(messages.json).toMatchObject({ type: "message", stop_reason: "end_turn", content: [{ type: "text", text: "You asked: C" }] });
    expect(server.stats).toMatchObject({ createRequests: 1, responsesCreated: 1, chatCompletions: 1, messages: 1 });
  });

  it("scripts tool calls in each wire format, with stable ids", async () => {
    const server = await start({ script: () => ({ toolCalls: [{ name: "lookup", arguments: { q: "x" } }, { name: "lookup", arguments: { q: "y" } }] }) });
    const body = { model: "m", input: "go", tools: [{ type: "function", name: "lookup", parameters: {} }] };
    const a = await post(`${server.url}/responses`, body);
    const b = await post(`${server.url}/responses`, body);
    expect(a.json.output).toEqual([
      { type: "function_call", id: expect.stringMatching(/^fc_/), call_id: expect.stringMatching(/^call_/), name: "lookup", arguments: '{"q":"x"}', status: "completed" },
      expect.objectContaining({ type: "function_call", arguments: '{"q":"y"}' }),
    ]);
    expect(a.json.output[0].call_id).not.toBe(a.json.output[1].call_id);
    expect(b.json.output.map((item: { call_id: string }) => item.call_id)).toEqual(a.json.output.map((item: { call_id: string }) => item.call_id));
    const other = await post(`${server.url}/responses`, { ...body, input: "another turn" });
    expect(other.json.output[0].call_id).not.toBe(a.json.output[0].call_id);

    const chat = await post(`${server.url}/chat/completions`, { model: "m", messages: [{ role: "user", content: "go" }] });
    expect(chat.json.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: { content: null, tool_calls: [{ id: expect.stringMatching(/^call_/), type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }, {}] },
    });
    const messages = await post(`${server.anthropicUrl}/v1/messages`, { model: "m", max_tokens: 10, messages: [{ role: "user", content: "go" }] }, ANTHROPIC);
    expect(messages.json).toMatchObject({
      stop_reason: "tool_use",
      content: [{ type: "tool_use", id: expect.stringMatching(/^toolu_/), name: "lookup", input: { q: "x" } }, { input: { q: "y" } }],
    });
  });

  it("decodes one conversation alike from the Responses, Chat and Messages wire formats", async () => {
    const turns: ScriptedTurn[] = [];
    const server = await start({ script: (turn) => (turns.push(turn), { text: "ok" }) });
    const conversation: ConversationItem[] = [
      { type: "user", text: "Find it." },
      { type: "assistant", text: "Looking.", toolCalls: [{ id: "c1", name: "find", arguments: { path: "/a" } }, { id: "c2", name: "list", arguments: {} }] },
      { type: "tool_result", callId: "c1", toolName: "find", output: "found", isError: false },
      { type: "tool_result", callId: "c2", toolName: "list", output: "a, b", isError: false },
      { type: "assistant", text: "Done.", toolCalls: [] },
      { type: "user", text: "Thanks." },
    ];
    await post(`${server.url}/responses`, { model: "m", instructions: "sys", input: toInputItems(conversation), tools: [{ type: "function", name: "find" }] });
    await post(`${server.url}/chat/completions`, {
      model: "m",
      messages: [{ role: "system", content: "sys" }, ...toChatMessages(conversation)],
      tools: [{ type: "function", function: { name: "find" } }],
    });
    await post(
      `${server.anthropicUrl}/v1/messages`,
      { model: "m", max_tokens: 10, system: "sys", messages: toAnthropicMessages(conversation), tools: [{ name: "find", input_schema: {} }] },
      ANTHROPIC,
    );
    expect(turns).toHaveLength(3);
    for (const turn of turns) expect(turn).toEqual({ input: conversation, tools: ["find"], instructions: "sys" });
  });

  it("holds a foreground create until the response is done, as the real API does (background mode answers at once)", async () => {
    const server = await start({ latencyMs: 300, script: () => ({ text: "done" }) });
    const foreground = await post(`${server.url}/responses`, { model: "m", input: "hi" });
    expect(foreground.json).toMatchObject({ status: "completed", output_text: "done" });
    const background = await post(`${server.url}/responses`, { model: "m", input: "hi again", background: true });
    expect(background.json).toMatchObject({ status: "in_progress", output: [] });
  });

  it("answers a retrieve after a restart: the response id carries the scripted turn", async () => {
    const first = await start({ latencyMs: 200, script: () => ({ text: "hello", toolCalls: [{ name: "t", arguments: { n: 1 } }] }) });
    const created = await post(`${first.url}/responses`, { model: "m", input: "hi", background: true });
    expect(created.json).toMatchObject({ status: "in_progress", output: [] });
    const port = Number(new URL(first.url).port);
    await first.close();
    servers.splice(0);
    // A server with another script: the answer still comes from the id.
    const second = await start({ latencyMs: 200, script: () => ({ text: "other" }) }, { port });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const retrieved = (await (await fetch(`${second.url}/responses/${created.json.id}`)).json()) as Record<string, unknown>;
    expect(retrieved).toMatchObject({ id: created.json.id, model: "m", status: "completed", output_text: "hello", output: [{ type: "message" }, { type: "function_call", name: "t", arguments: '{"n":1}' }] });
    expect(second.stats.retrieves).toBe(1);
  });

  it("dedupes a repeated idempotency key and cancels by id", async () => {
    const server = await start({ latencyMs: 10_000 });
    const a = await post(`${server.url}/responses`, { model: "m", input: "x", background: true }, { "idempotency-key": "k1" });
    const b = await post(`${server.url}/responses`, { model: "m", input: "a different body", background: true }, { "idempotency-key": "k1" });
    expect(b.json.id).toBe(a.json.id);
    expect(server.stats).toMatchObject({ createRequests: 2, responsesCreated: 1 });
    const canceled = await post(`${server.url}/responses/${a.json.id}/cancel`, {});
    expect(canceled.json.status).toBe("cancelled");
    expect(server.stats.cancels).toBe(1);
  });

  it("remembers only the latest idempotency keys, so a long-lived demo model does not grow", async () => {
    const server = await start();
    const create = async (key: string) => (await post(`${server.url}/responses`, { model: "m", input: "x", background: true }, { "idempotency-key": key })).json.id as string;
    for (let n = 0; n <= REMEMBERED_IDEMPOTENCY_KEYS; n++) await create(`k${n}`);
    const latest = await create(`k${REMEMBERED_IDEMPOTENCY_KEYS}`);
    expect(server.stats.responsesCreated).toBe(REMEMBERED_IDEMPOTENCY_KEYS + 1);
    // The latest key is still answered with its response; the oldest, forgotten, makes a new one.
    expect(await create(`k${REMEMBERED_IDEMPOTENCY_KEYS}`)).toBe(latest);
    await create("k0");
    expect(server.stats.responsesCreated).toBe(REMEMBERED_IDEMPOTENCY_KEYS + 2);
  });

  it("truncates a reply too large for a response id, and still retrieves it", async () => {
    const huge = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${(i * 7919) % 10007}`).join("\n");
    const server = await start({ reply: () => huge });
    const created = await post(`${server.url}/responses`, { model: "m", input: "x", background: true });
    expect(created.json.id.length).toBeLessThanOrEqual(MAX_RESPONSE_ID_CHARS);
    expect(created.json.output_text).toMatch(/^line 0 0\n[\s\S]*\[truncated by the scripted model\]$/);
    const retrieved = (await (await fetch(`${server.url}/responses/${created.json.id}`)).json()) as { output_text: string };
    expect(retrieved.output_text).toBe(created.json.output_text);
  });

  it("speaks each API's error shape", async () => {
    const server = await start();
    const unknownOpenAi = await post(`${server.url}/nowhere`, {});
    expect(unknownOpenAi).toMatchObject({ status: 404, json: { error: { type: "invalid_request_error", message: expect.stringContaining("/v1/nowhere") } } });
    const unknownAnthropic = await post(`${server.anthropicUrl}/v1/nowhere`, {}, ANTHROPIC);
    expect(unknownAnthropic).toMatchObject({ status: 404, json: { type: "error", error: { type: "not_found_error" } } });
    const invalid = await post(`${server.anthropicUrl}/v1/messages`, { model: "m", messages: [{ role: "user", content: "x" }] }, ANTHROPIC);
    expect(invalid).toMatchObject({ status: 400, json: { type: "error", error: { type: "invalid_request_error", message: expect.stringContaining("max_tokens") } } });
    const missing = await fetch(`${server.url}/responses/resp_nope`);
    expect(missing.status).toBe(404);
  });

  it("reports a throwing script as a server error", async () => {
    const server = await start({
      script: () => {
        throw new Error("script broke");
      },
    });
    const result = await post(`${server.url}/chat/completions`, { model: "m", messages: [{ role: "user", content: "x" }] });
    expect(result).toMatchObject({ status: 500, json: { error: { type: "server_error", message: "script broke" } } });
  });
});
