// Both providers' computer-use wire shapes through the real `openai` and `@anthropic-ai/sdk`
// clients against the scripted model server: calls come out as one Baton action type, screenshots
// go back as each API expects, OpenAI's safety checks surface and are never acknowledged by
// themselves, and Anthropic's computer tools need their beta header as on the real API.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startScriptedModelServer, type Script, type ScriptedModelServer, type ScriptedTurn } from "@/lib/agent/scripted-model/server";
import {
  anthropicComputerCalls,
  anthropicComputerResult,
  anthropicComputerTool,
  OPENAI_COMPUTER_TOOL,
  openAiComputerCallOutput,
  openAiComputerCalls,
} from "@/lib/computer-use";

const servers: ScriptedModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(script: Script) {
  const server = await startScriptedModelServer({ script });
  servers.push(server);
  return {
    openAi: new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 }),
    anthropic: new Anthropic({ apiKey: "sk-ant-test", baseURL: server.anthropicUrl, maxRetries: 0 }),
  };
}

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC", "base64");

describe("OpenAI Responses computer tool", () => {
  it("turns a batch of actions into Baton actions, a secret marker into a runtime-typed secret", async () => {
    const { openAi } = await serve(({ tools }) => ({
      toolCalls: tools.includes("computer")
        ? [
            {
              name: "computer",
              arguments: {
                actions: [
                  { type: "click", button: "left", x: 10, y: 20 },
                  { type: "double_click", x: 5, y: 6, keys: null },
                  { type: "type", text: "{{secret:portal}}" },
                  { type: "keypress", keys: ["CTRL", "a"] },
                  { type: "scroll", x: 1, y: 2, scroll_x: 0, scroll_y: 300 },
                  { type: "drag", path: [{ x: 1, y: 1 }, { x: 9, y: 9 }] },
                  { type: "move", x: 3, y: 4 },
                  { type: "wait" },
                  { type: "screenshot" },
                ],
              },
            },
          ]
        : [],
    }));
    const response = await openAi.responses.create({ model: "computer-use", tools: [OPENAI_COMPUTER_TOOL], input: "Export the invoices" });
    const [call] = openAiComputerCalls(response.output);
    expect(call?.callId).toMatch(/^call_/);
    expect(call?.safetyChecks).toEqual([]);
    expect(call?.actions).toEqual([
      { kind: "click", at: { x: 10, y: 20 }, button: "left", clicks: 1, modifiers: [] },
      { kind: "click", at: { x: 5, y: 6 }, button: "left", clicks: 2, modifiers: [] },
      { kind: "type_secret", reference: "portal" },
      { kind: "keys", keys: ["Control", "a"], repeat: 1 },
      { kind: "scroll", at: { x: 1, y: 2 }, dx: 0, dy: 300, modifiers: [] },
      { kind: "drag", path: [{ x: 1, y: 1 }, { x: 9, y: 9 }], modifiers: [] },
      { kind: "move", at: { x: 3, y: 4 } },
      { kind: "wait", ms: 2000 },
      { kind: "screenshot" },
    ]);
  });

  it("reads the older single action, and surfaces pending safety checks that Baton acknowledges only when told a person approved", async () => {
    const seen: ScriptedTurn[] = [];
    const { openAi } = await serve((turn) => {
      seen.push(turn);
      if (turn.screenshots?.length) return { text: "done" };
      return {
        toolCalls: [
          {
            name: "computer",
            arguments: { action: { type: "click", button: "wheel", x: 7, y: 8 }, pending_safety_checks: [{ id: "sc_1", code: "malicious_instructions", message: "The page tells the agent what to do." }] },
          },
        ],
      };
    });
    const first = await openAi.responses.create({ model: "computer-use-preview", tools: [{ type: "computer_use_preview", display_width: 1024, display_height: 640, environment: "browser" }], input: "Go" });
    const [call] = openAiComputerCalls(first.output);
    expect(call?.actions).toEqual([{ kind: "click", at: { x: 7, y: 8 }, button: "middle", clicks: 1, modifiers: [] }]);
    expect(call?.safetyChecks).toEqual([{ id: "sc_1", code: "malicious_instructions", message: "The page tells the agent what to do." }]);

    const unacknowledged = openAiComputerCallOutput(call!.callId, { image: PNG, mimeType: "image/png" });
    expect(unacknowledged).not.toHaveProperty("acknowledged_safety_checks");
    const answer = await openAi.responses.create({
      model: "computer-use-preview",
      tools: [OPENAI_COMPUTER_TOOL],
      input: [{ role: "user", content: "Go" }, ...(first.output as never[]), openAiComputerCallOutput(call!.callId, { image: PNG, mimeType: "image/png" }, call!.safetyChecks)],
    });
    expect(answer.output_text).toBe("done");
    const last = seen.at(-1)!;
    expect(last.screenshots).toEqual([{ callId: call!.callId, mimeType: "image/png", image: PNG }]);
    expect(last.input.find((item) => item.type === "tool_result")).toMatchObject({ toolName: "computer", output: JSON.stringify({ acknowledged_safety_checks: call!.safetyChecks }) });
  });
});

describe("Anthropic computer tool", () => {
  const display = { width: 1024, height: 640 };

  it.each(["computer_20250124", "computer_20251124"] as const)("%s: actions come back normalised and the screenshot goes back as a base64 image", async (version) => {
    const seen: ScriptedTurn[] = [];
    const inputs = [
      { action: "left_click", coordinate: [100, 200], text: "shift" },
      { action: "triple_click", coordinate: [1, 2] },
      { action: "right_click" },
      { action: "type", text: "hello" },
      { action: "key", text: "ctrl+Return" },
      { action: "scroll", coordinate: [50, 60], scroll_direction: "down", scroll_amount: 3 },
      { action: "mouse_move", coordinate: [9, 9] },
      { action: "left_click_drag", start_coordinate: [1, 1], coordinate: [20, 30] },
      { action: "wait", duration: 0.5 },
      { action: "screenshot" },
      ...(version === "computer_20251124" ? [{ action: "zoom", region: [10, 20, 110, 80] }] : []),
    ];
    const { anthropic } = await serve((turn) => {
      seen.push(turn);
      return turn.screenshots?.length ? { text: "done" } : { toolCalls: inputs.map((input) => ({ name: "computer", arguments: input })) };
    });
    const { tool, beta } = anthropicComputerTool(version, display);
    const message = await anthropic.beta.messages.create({ model: "claude-scripted", max_tokens: 1024, betas: [beta], tools: [tool], messages: [{ role: "user", content: "Export" }] });
    expect(message.stop_reason).toBe("tool_use");
    const calls = anthropicComputerCalls(message.content, { x: 42, y: 43 });
    expect(calls.map((call) => call.actions[0])).toEqual([
      { kind: "click", at: { x: 100, y: 200 }, button: "left", clicks: 1, modifiers: ["Shift"] },
      { kind: "click", at: { x: 1, y: 2 }, button: "left", clicks: 3, modifiers: [] },
      { kind: "click", at: { x: 42, y: 43 }, button: "right", clicks: 1, modifiers: [] },
      { kind: "type", text: "hello" },
      { kind: "keys", keys: ["Control", "Enter"], repeat: 1 },
      { kind: "scroll", at: { x: 50, y: 60 }, dx: 0, dy: 300, modifiers: [] },
      { kind: "move", at: { x: 9, y: 9 } },
      { kind: "drag", path: [{ x: 1, y: 1 }, { x: 20, y: 30 }], modifiers: [] },
      { kind: "wait", ms: 500 },
      { kind: "screenshot" },
      ...(version === "computer_20251124" ? [{ kind: "zoom", from: { x: 10, y: 20 }, to: { x: 110, y: 80 } }] : []),
    ]);

    const results = calls.map((call) => anthropicComputerResult(call.callId, { image: PNG, mimeType: "image/png" }, "ok"));
    const answer = await anthropic.beta.messages.create({
      model: "claude-scripted",
      max_tokens: 1024,
      betas: [beta],
      tools: [tool],
      messages: [
        { role: "user", content: "Export" },
        { role: "assistant", content: message.content },
        { role: "user", content: results },
      ],
    });
    expect(answer.content).toEqual([expect.objectContaining({ type: "text", text: "done" })]);
    expect(seen.at(-1)!.screenshots).toHaveLength(calls.length);
    expect(seen.at(-1)!.screenshots![0]).toEqual({ callId: calls[0]!.callId, mimeType: "image/png", image: PNG });
  });

  it("refuses a computer tool sent without its beta header, as the API does", async () => {
    const { anthropic } = await serve(() => ({ text: "never" }));
    const { tool } = anthropicComputerTool("computer_20251124", display);
    await expect(anthropic.beta.messages.create({ model: "claude-scripted", max_tokens: 64, tools: [tool], messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("computer-use-2025-11-24"),
    });
  });
});
