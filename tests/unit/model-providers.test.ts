// The real SDKs (openai, @anthropic-ai/sdk) against the scripted server over HTTP: the same code
// path a real OpenAI (background mode), OpenAI-compatible or Anthropic server would take.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicMessagesProvider, toMessages as toAnthropicMessages } from "@/lib/agent/providers/anthropic-messages";
import type { ConversationItem, TurnRequest, TurnResult } from "@/lib/agent/providers/conversation";
import { openAiChatProvider } from "@/lib/agent/providers/openai-chat";
import { openAiResponsesProvider } from "@/lib/agent/providers/openai-responses";
import type { ModelProvider } from "@/lib/agent/providers/types";
import { startScriptedModelServer, type ScriptedModelServer, type ScriptedTurn } from "@/lib/agent/scripted-model/server";

const WEATHER_TOOL = {
  name: "get_weather",
  description: "The forecast for a city.",
  inputSchema: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] },
};

/** Turns the scripted model saw, in order, across every server of this file. */
const seen: ScriptedTurn[] = [];

/** Asks for the weather tool, then answers with whatever the tool returned. */
function weatherScript(turn: ScriptedTurn) {
  seen.push(structuredClone(turn));
  const last = turn.input.at(-1);
  if (last?.type === "tool_result") {
    return { text: `The ${last.toolName} tool (call ${last.callId}) said: ${last.output}${last.isError ? " [error]" : ""}` };
  }
  const prompt = last?.type === "user" ? last.text : "";
  if (prompt.includes("malformed")) return { toolCalls: [{ name: "get_weather", rawArguments: '{"city": "Oslo"' }] };
  if (prompt.includes("weather")) {
    return { text: "Let me check.", toolCalls: [{ name: "get_weather", arguments: { city: "Oslo", days: 2 } }] };
  }
  return { text: `echo: ${prompt}` };
}

let slow: ScriptedModelServer;
let fast: ScriptedModelServer;

beforeAll(async () => {
  slow = await startScriptedModelServer({ latencyMs: 300, script: weatherScript });
  fast = await startScriptedModelServer({ script: weatherScript });
});
afterAll(async () => {
  await Promise.all([slow.close(), fast.close()]);
});

const openAi = (server: ScriptedModelServer) => new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 });
const anthropic = (server: ScriptedModelServer, options: { fetch?: typeof fetch } = {}) =>
  new Anthropic({ apiKey: "sk-ant-test", baseURL: server.anthropicUrl, maxRetries: 0, ...options });

function request(conversation: ConversationItem[]): TurnRequest {
  return { model: "scripted", instructions: "Be brief.", conversation, tools: [WEATHER_TOOL] };
}

/** One turn, polled to the end if the provider answers in the background. */
async function turn(provider: ModelProvider, conversation: ConversationItem[], idempotencyKey: string): Promise<TurnResult> {
  const start = await provider.start(request(conversation), { idempotencyKey });
  if (start.kind === "done") return start.result;
  for (;;) {
    const poll = await provider.poll(start.responseId);
    if (poll.kind === "done") return poll.result;
    if (poll.kind === "failed") throw new Error(poll.message);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const providers: { name: string; idPrefix: string; make: () => ModelProvider }[] = [
  { name: "OpenAI Responses (background)", idPrefix: "call_", make: () => openAiResponsesProvider(openAi(slow)) },
  { name: "OpenAI-compatible (chat completions)", idPrefix: "call_", make: () => openAiChatProvider(openAi(fast)) },
  { name: "Anthropic Messages", idPrefix: "toolu_", make: () => anthropicMessagesProvider(anthropic(fast)) },
];

describe.each(providers)("$name: a two-turn tool conversation", ({ name, idPrefix, make }) => {
  const ask: ConversationItem = { type: "user", text: "What is the weather in Oslo?" };

  it("returns a tool call, then an answer built from the tool's output", async () => {
    const provider = make();
    const first = await turn(provider, [ask], `${name}-1`);
    expect(first.text).toBe("Let me check.");
    expect(first.toolCalls).toEqual([{ id: expect.stringMatching(new RegExp(`^${idPrefix}[0-9a-f]{24}$`)), name: "get_weather", arguments: { city: "Oslo", days: 2 } }]);
    expect(first.usage.inputTokens).toBeGreaterThan(0);
    expect(first.usage.outputTokens).toBeGreaterThan(0);

    const call = first.toolCalls[0]!;
    const conversation: ConversationItem[] = [
      ask,
      { type: "assistant", text: first.text, toolCalls: first.toolCalls },
      { type: "tool_result", callId: call.id, toolName: call.name, output: "Sunny, 21°C", isError: false },
    ];
    const second = await turn(provider, conversation, `${name}-2`);
    expect(second).toMatchObject({ text: `The get_weather tool (call ${call.id}) said: Sunny, 21°C`, toolCalls: [] });
    // The model saw exactly the conversation Baton holds: ids, arguments and output survived the wire.
    expect(seen.at(-1)?.input).toEqual(conversation);
    expect(seen.at(-1)?.tools).toEqual(["get_weather"]);
    expect(seen.at(-1)?.instructions).toBe("Be brief.");
  });

  it("gives a replayed turn the same tool call ids", async () => {
    const provider = make();
    const a = await turn(provider, [ask], `${name}-replay-a`);
    const b = await turn(provider, [ask], `${name}-replay-b`);
    expect(b.toolCalls).toEqual(a.toolCalls);
  });
});

describe.each(providers.slice(0, 2))("$name: malformed tool arguments", ({ name, make }) => {
  it("passes the raw string on, and sends it back verbatim in the next turn", async () => {
    const provider = make();
    const ask: ConversationItem = { type: "user", text: "weather, malformed please" };
    const first = await turn(provider, [ask], `${name}-bad-1`);
    const call = first.toolCalls[0]!;
    expect(call.arguments).toBe('{"city": "Oslo"');
    const conversation: ConversationItem[] = [
      ask,
      { type: "assistant", text: "", toolCalls: [call] },
      { type: "tool_result", callId: call.id, toolName: call.name, output: "arguments are not valid JSON", isError: true },
    ];
    const second = await turn(provider, conversation, `${name}-bad-2`);
    // OpenAI's formats have no error flag: the output carries it.
    expect(second.text).toBe(`The get_weather tool (call ${call.id}) said: Error: arguments are not valid JSON`);
    expect(seen.at(-1)?.input[1]).toEqual({ type: "assistant", text: "", toolCalls: [call] });
  });
});

describe("OpenAI Responses provider (background mode)", () => {
  const plain = request([{ type: "user", text: "Write a haiku about queues" }]);

  it("starts in the background, reports pending, then the answer with usage", async () => {
    const provider = openAiResponsesProvider(openAi(slow));
    const start = await provider.start(plain, { idempotencyKey: "run-1-start" });
    expect(start.kind).toBe("background");
    if (start.kind !== "background") return;
    expect(await provider.poll(start.responseId)).toEqual({ kind: "pending" });
    await new Promise((resolve) => setTimeout(resolve, 350));
    const done = await provider.poll(start.responseId);
    expect(done).toMatchObject({ kind: "done", result: { text: "echo: Write a haiku about queues", toolCalls: [] } });
    if (done.kind === "done") expect(done.result.usage.outputTokens).toBeGreaterThan(0);
  });

  it("answers at once when the response is already complete", async () => {
    const start = await openAiResponsesProvider(openAi(fast)).start(plain, { idempotencyKey: "run-2-start" });
    expect(start).toMatchObject({ kind: "done", result: { text: "echo: Write a haiku about queues" } });
  });

  it("sends the idempotency key, so a repeated start does not create a second response", async () => {
    const provider = openAiResponsesProvider(openAi(slow));
    const before = { ...slow.stats };
    const first = await provider.start(plain, { idempotencyKey: "run-3-start" });
    const second = await provider.start(plain, { idempotencyKey: "run-3-start" });
    expect(second).toEqual(first);
    expect(slow.stats.createRequests - before.createRequests).toBe(2);
    expect(slow.stats.responsesCreated - before.responsesCreated).toBe(1);
  });

  it("cancels a background response", async () => {
    const provider = openAiResponsesProvider(openAi(slow));
    const start = await provider.start(plain, { idempotencyKey: "run-4-start" });
    if (start.kind !== "background") throw new Error("expected a background response");
    await provider.cancel(start.responseId);
    expect(await provider.poll(start.responseId)).toEqual({ kind: "failed", message: "The model response was cancelled." });
  });

  it("turns a provider refusal into a readable ModelError", async () => {
    const provider = openAiResponsesProvider(openAi(slow));
    await expect(provider.poll("resp_unknown")).rejects.toMatchObject({ name: "ModelError", message: expect.stringMatching(/refused the request \(404\)/) });
  });
});

describe("OpenAI-compatible provider (chat completions)", () => {
  it("answers in the foreground with usage", async () => {
    const start = await openAiChatProvider(openAi(fast)).start(request([{ type: "user", text: "hello" }]), { idempotencyKey: "run-5-start" });
    expect(start).toMatchObject({ kind: "done", result: { text: "echo: hello", toolCalls: [] } });
    if (start.kind === "done") expect(start.result.usage.inputTokens).toBeGreaterThan(0);
  });
});

describe("Anthropic Messages provider", () => {
  it("sends the idempotency key and the tool as input_schema", async () => {
    const sent: { headers: Headers; body: unknown }[] = [];
    const recording: typeof fetch = async (input, init) => {
      sent.push({ headers: new Headers(init?.headers), body: JSON.parse(String(init?.body)) as unknown });
      return fetch(input, init);
    };
    const provider = anthropicMessagesProvider(anthropic(fast, { fetch: recording }));
    await provider.start(request([{ type: "user", text: "hello" }]), { idempotencyKey: "run-6-start" });
    expect(sent[0]?.headers.get("idempotency-key")).toBe("run-6-start");
    expect(sent[0]?.body).toMatchObject({
      system: "Be brief.",
      max_tokens: expect.any(Number),
      tools: [{ name: "get_weather", description: "The forecast for a city.", input_schema: WEATHER_TOOL.inputSchema }],
    });
  });

  it("carries is_error on a tool result", async () => {
    const provider = anthropicMessagesProvider(anthropic(fast));
    const result = await turn(
      provider,
      [
        { type: "user", text: "weather?" },
        { type: "assistant", text: "", toolCalls: [{ id: "toolu_1", name: "get_weather", arguments: { city: "Oslo" } }] },
        { type: "tool_result", callId: "toolu_1", toolName: "get_weather", output: "city not found", isError: true },
      ],
      "run-7",
    );
    expect(result.text).toBe("The get_weather tool (call toolu_1) said: city not found [error]");
  });

  it("turns a provider refusal into a readable ModelError", async () => {
    // The OpenAI-style base URL (ending in /v1) is the wrong one for Anthropic's SDK: a 404.
    const provider = anthropicMessagesProvider(new Anthropic({ apiKey: "sk-ant-test", baseURL: fast.url, maxRetries: 0 }));
    await expect(provider.start(request([{ type: "user", text: "hi" }]), { idempotencyKey: "run-8" })).rejects.toMatchObject({
      name: "ModelError",
      message: expect.stringMatching(/refused the request \(404\).*not_found_error/),
    });
  });

  it("merges consecutive items into alternating messages, tool results first", () => {
    const messages = toAnthropicMessages([
      { type: "user", text: "Compare Oslo and Bergen." },
      { type: "assistant", text: "", toolCalls: [{ id: "a", name: "get_weather", arguments: { city: "Oslo" } }] },
      { type: "assistant", text: "", toolCalls: [{ id: "b", name: "get_weather", arguments: { city: "Bergen" } }] },
      { type: "tool_result", callId: "a", toolName: "get_weather", output: "sun", isError: false },
      { type: "user", text: "Also, be brief." },
      { type: "tool_result", callId: "b", toolName: "get_weather", output: "rain", isError: false },
      { type: "assistant", text: "", toolCalls: [] },
    ]);
    expect(messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Compare Oslo and Bergen." }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "a", name: "get_weather", input: { city: "Oslo" } },
          { type: "tool_use", id: "b", name: "get_weather", input: { city: "Bergen" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "a", content: "sun", is_error: false },
          { type: "tool_result", tool_use_id: "b", content: "rain", is_error: false },
          { type: "text", text: "Also, be brief." },
        ],
      },
    ]);
  });
});
