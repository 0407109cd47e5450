// The Anthropic Messages API side of the scripted model: content blocks (text, tool_use,
// tool_result) to a conversation, and a scripted turn to a message with stop_reason "tool_use"
// or "end_turn".
import { z } from "zod";
import type { ConversationItem } from "../providers/conversation";
import { appendToolCall, decodeArguments, toolNameFor, type ScriptedOutput, type ScriptedTurn } from "./script";
import { parseBody, shortHash, textContent, textOf, type ScriptedApiError } from "./wire";

const block = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
  tool_use_id: z.string().optional(),
  content: textContent.optional(),
  is_error: z.boolean().optional(),
});

const requestBody = z.looseObject({
  model: z.string(),
  max_tokens: z.number().int().min(1),
  system: textContent.optional(),
  messages: z.array(z.looseObject({ role: z.enum(["user", "assistant"]), content: z.union([z.string(), z.array(block)]) })).min(1),
  tools: z.array(z.looseObject({ name: z.string() })).default([]),
});

export function messagesRequest(body: unknown): { model: string; turn: ScriptedTurn } {
  const request = parseBody(requestBody, body);
  const items: ConversationItem[] = [];
  for (const message of request.messages) {
    const blocks = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    if (message.role === "assistant") {
      items.push({ type: "assistant", text: "", toolCalls: [] });
      for (const b of blocks) {
        const last = items.at(-1);
        if (b.type === "text" && last?.type === "assistant") last.text += b.text ?? "";
        else if (b.type === "tool_use") appendToolCall(items, { id: b.id ?? "", name: b.name ?? "", arguments: b.input ?? {} });
      }
      continue;
    }
    for (const b of blocks) {
      if (b.type === "text") {
        items.push({ type: "user", text: b.text ?? "" });
      } else if (b.type === "tool_result") {
        const callId = b.tool_use_id ?? "";
        items.push({ type: "tool_result", callId, toolName: toolNameFor(items, callId), output: textOf(b.content), isError: b.is_error ?? false });
      }
    }
  }
  return { model: request.model, turn: { input: items, tools: request.tools.map((tool) => tool.name), instructions: textOf(request.system) } };
}

export function messageBody(model: string, output: ScriptedOutput) {
  const toolUses = output.toolCalls.map((call) => ({
    type: "tool_use",
    id: `toolu_${call.key}`,
    name: call.name,
    // The Messages API always returns an object; a scripted malformed string passes as is.
    input: decodeArguments(call.arguments),
  }));
  return {
    id: `msg_${shortHash(JSON.stringify(output))}`,
    type: "message",
    role: "assistant",
    model,
    content: [...(output.text ? [{ type: "text", text: output.text, citations: null }] : []), ...toolUses],
    stop_reason: toolUses.length > 0 ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: {
      input_tokens: output.usage.input,
      output_tokens: output.usage.output,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      service_tier: "standard",
    },
  };
}

export function anthropicError(error: ScriptedApiError) {
  return { type: "error", error: { type: error.type, message: error.message } };
}
