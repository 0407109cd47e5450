// The Anthropic Messages API side of the scripted model: content blocks (text, tool_use,
// tool_result) to a conversation, and a scripted turn to a message with stop_reason "tool_use"
// or "end_turn".
import { z } from "zod";
import type { ConversationItem } from "../providers/conversation";
import { appendToolCall, decodeArguments, toolNameFor, type ScriptedOutput, type ScriptedScreenshot, type ScriptedTurn } from "./script";
import { parseBody, ScriptedApiError, shortHash, textContent, textOf } from "./wire";

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
  tools: z.array(z.looseObject({ name: z.string(), type: z.string().optional() })).default([]),
});

const imageBlock = z.looseObject({ type: z.literal("image"), source: z.looseObject({ type: z.literal("base64"), media_type: z.string(), data: z.string() }) });

/** The beta each computer tool version needs, as the real API refuses the tool without it. */
const COMPUTER_TOOL_BETAS: Record<string, string> = {
  computer_20250124: "computer-use-2025-01-24",
  computer_20251124: "computer-use-2025-11-24",
};

/** `betas`: the anthropic-beta header's values. */
export function messagesRequest(body: unknown, betas: readonly string[] = []): { model: string; turn: ScriptedTurn } {
  const request = parseBody(requestBody, body);
  for (const tool of request.tools) {
    const beta = tool.type ? COMPUTER_TOOL_BETAS[tool.type] : undefined;
    if (tool.type?.startsWith("computer_") && (!beta || !betas.includes(beta))) {
      throw new ScriptedApiError(400, "invalid_request_error", `tools.${tool.name}: '${tool.type}' requires the anthropic-beta header ${beta ?? "for its version"}.`);
    }
  }
  const items: ConversationItem[] = [];
  const screenshots: ScriptedScreenshot[] = [];
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
      if (b.type === "image") {
        const image = imageBlock.safeParse(b);
        if (image.success) screenshots.push({ callId: "", mimeType: image.data.source.media_type, image: Buffer.from(image.data.source.data, "base64") });
      } else if (b.type === "text") {
        items.push({ type: "user", text: b.text ?? "" });
      } else if (b.type === "tool_result") {
        const callId = b.tool_use_id ?? "";
        for (const part of Array.isArray(b.content) ? b.content : []) {
          const image = imageBlock.safeParse(part);
          if (image.success) screenshots.push({ callId, mimeType: image.data.source.media_type, image: Buffer.from(image.data.source.data, "base64") });
        }
        items.push({ type: "tool_result", callId, toolName: toolNameFor(items, callId), output: textOf(b.content), isError: b.is_error ?? false });
      }
    }
  }
  return { model: request.model, turn: { input: items, tools: request.tools.map((tool) => tool.name), instructions: textOf(request.system), ...(screenshots.length > 0 ? { screenshots } : {}) } };
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
