// The Responses API side of the scripted model: request items to a conversation, a scripted turn
// to a response. Responses are stateless: the id carries the creation time and the whole scripted
// output (deflated, base64url), so a restarted server still answers a retrieve for one it made.
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { z } from "zod";
import type { ConversationItem } from "../providers/conversation";
import { appendToolCall, decodeArguments, toolNameFor, type ScriptedOutput, type ScriptedScreenshot, type ScriptedTurn } from "./script";
import { parseBody, ScriptedApiError, shortHash, textContent, textOf } from "./wire";

const inputItem = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  content: textContent.optional(),
  call_id: z.string().optional(),
  name: z.string().optional(),
  arguments: z.string().optional(),
  output: z.union([textContent, z.looseObject({ type: z.string(), image_url: z.string().optional() })]).optional(),
  action: z.unknown().optional(),
  actions: z.unknown().optional(),
  pending_safety_checks: z.unknown().optional(),
  acknowledged_safety_checks: z.unknown().optional(),
});

/** A data: URL's bytes (screenshots come back inline; the scripted model has no file store). */
function dataUrlImage(url: string | undefined): { mimeType: string; image: Buffer } | undefined {
  const match = /^data:([\w/+.-]+);base64,(.*)$/s.exec(url ?? "");
  return match ? { mimeType: match[1]!, image: Buffer.from(match[2]!, "base64") } : undefined;
}

const requestBody = z.looseObject({
  model: z.string().default("scripted"),
  instructions: z.string().nullish(),
  input: z.union([z.string(), z.array(inputItem)]).default([]),
  tools: z.array(z.looseObject({ type: z.string().optional(), name: z.string().optional() })).default([]),
});

const COMPUTER_TOOL_TYPES = new Set(["computer", "computer_use_preview"]);

export function responsesRequest(body: unknown): { model: string; turn: ScriptedTurn } {
  const request = parseBody(requestBody, body);
  const items: ConversationItem[] = [];
  const screenshots: ScriptedScreenshot[] = [];
  const input = typeof request.input === "string" ? [{ role: "user", content: request.input }] : request.input;
  for (const item of input) {
    if (item.type === "function_call") {
      appendToolCall(items, { id: item.call_id ?? "", name: item.name ?? "", arguments: decodeArguments(item.arguments ?? "") });
    } else if (item.type === "computer_call") {
      const args = { ...(item.actions !== undefined ? { actions: item.actions } : { action: item.action }), pending_safety_checks: item.pending_safety_checks ?? [] };
      appendToolCall(items, { id: item.call_id ?? "", name: "computer", arguments: args });
    } else if (item.type === "computer_call_output") {
      const callId = item.call_id ?? "";
      const output = item.output && !Array.isArray(item.output) && typeof item.output === "object" ? item.output : undefined;
      const shot = dataUrlImage(typeof output?.image_url === "string" ? output.image_url : undefined);
      if (shot) screenshots.push({ callId, ...shot });
      const acknowledged = JSON.stringify({ acknowledged_safety_checks: item.acknowledged_safety_checks ?? [] });
      items.push({ type: "tool_result", callId, toolName: "computer", output: acknowledged, isError: false });
    } else if (item.type === "function_call_output") {
      const callId = item.call_id ?? "";
      const output = typeof item.output === "string" || Array.isArray(item.output) ? item.output : undefined;
      items.push({ type: "tool_result", callId, toolName: toolNameFor(items, callId), output: textOf(output), isError: false });
    } else if (item.role === "user") {
      // A first screenshot can come with the goal, as an input_image (callId "": it answers no call).
      for (const part of Array.isArray(item.content) ? item.content : []) {
        const shot = part.type === "input_image" ? dataUrlImage(typeof part.image_url === "string" ? part.image_url : undefined) : undefined;
        if (shot) screenshots.push({ callId: "", ...shot });
      }
      items.push({ type: "user", text: textOf(item.content) });
    } else if (item.role === "assistant") {
      items.push({ type: "assistant", text: textOf(item.content), toolCalls: [] });
    }
  }
  const tools = request.tools.flatMap((tool) => (tool.name ? [tool.name] : COMPUTER_TOOL_TYPES.has(tool.type ?? "") ? ["computer"] : []));
  return { model: request.model, turn: { input: items, tools, instructions: request.instructions ?? "", ...(screenshots.length > 0 ? { screenshots } : {}) } };
}

export interface StoredResponse {
  createdAt: number;
  model: string;
  output: ScriptedOutput;
}

const storedSchema = z.object({
  createdAt: z.number(),
  model: z.string(),
  output: z.object({
    text: z.string(),
    toolCalls: z.array(z.object({ key: z.string(), name: z.string(), arguments: z.string() })),
    usage: z.object({ input: z.number(), output: z.number() }),
  }),
});

/** Ids travel in URL paths; the server accepts long request lines, but keep them well below that. */
export const MAX_RESPONSE_ID_CHARS = 16_000;
const TRUNCATED = "\n\n[truncated by the scripted model]";

export function encodeResponseId(stored: StoredResponse): string {
  let text = stored.output.text;
  for (;;) {
    const id = `resp_${deflateRawSync(JSON.stringify({ ...stored, output: { ...stored.output, text } })).toString("base64url")}`;
    if (id.length <= MAX_RESPONSE_ID_CHARS) return id;
    if (text === "") throw new ScriptedApiError(400, "invalid_request_error", "The scripted turn is too large to encode in a response id.");
    text = text.length > TRUNCATED.length * 2 ? text.slice(0, Math.floor(text.length / 2)) + TRUNCATED : "";
  }
}

export function decodeResponseId(id: string): StoredResponse | undefined {
  if (!id.startsWith("resp_")) return undefined;
  try {
    const parsed = storedSchema.safeParse(JSON.parse(inflateRawSync(Buffer.from(id.slice(5), "base64url")).toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export type ResponseStatus = "in_progress" | "completed" | "cancelled";

export function responseBody(id: string, stored: StoredResponse, status: ResponseStatus) {
  const { output } = stored;
  const completed = status === "completed";
  const items = [
    ...(output.text
      ? [
          {
            type: "message",
            id: `msg_${shortHash(id)}`,
            role: "assistant",
            status: "completed",
            content: [{ type: "output_text", text: output.text, annotations: [] }],
          },
        ]
      : []),
    ...output.toolCalls.map((call) => (call.name === "computer" ? computerCallItem(call) : {
      type: "function_call",
      id: `fc_${call.key}`,
      call_id: `call_${call.key}`,
      name: call.name,
      arguments: call.arguments,
      status: "completed",
    })),
  ];
  return {
    id,
    object: "response",
    created_at: Math.floor(stored.createdAt / 1000),
    model: stored.model,
    status,
    background: true,
    error: null,
    incomplete_details: null,
    output: completed ? items : [],
    output_text: completed ? output.text : "",
    usage: completed
      ? {
          input_tokens: output.usage.input,
          output_tokens: output.usage.output,
          total_tokens: output.usage.input + output.usage.output,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens_details: { reasoning_tokens: 0 },
        }
      : null,
  };
}

/** A scripted "computer" call as the Responses API sends it: a batch of actions, or the older single action. */
function computerCallItem(call: { key: string; arguments: string }) {
  const args = decodeArguments(call.arguments) as { actions?: unknown[]; action?: unknown; pending_safety_checks?: unknown[] };
  return {
    type: "computer_call",
    id: `cu_${call.key}`,
    call_id: `call_${call.key}`,
    ...(args.action !== undefined ? { action: args.action } : { actions: args.actions ?? [] }),
    pending_safety_checks: args.pending_safety_checks ?? [],
    status: "completed",
  };
}

export function openAiError(error: ScriptedApiError) {
  return { error: { message: error.message, type: error.type, param: null, code: error.code } };
}
