// The Chat Completions side of the scripted model (what OpenAI-compatible servers speak).
import { z } from "zod";
import type { ConversationItem } from "../providers/conversation";
import { decodeArguments, toolNameFor, type ScriptedOutput, type ScriptedTurn } from "./script";
import { parseBody, shortHash, textContent, textOf } from "./wire";

const message = z.looseObject({
  role: z.string(),
  content: textContent.nullish(),
  tool_calls: z
    .array(z.looseObject({ id: z.string(), function: z.looseObject({ name: z.string(), arguments: z.string() }).optional() }))
    .nullish(),
  tool_call_id: z.string().optional(),
});

const requestBody = z.looseObject({
  model: z.string().default("scripted"),
  messages: z.array(message),
  tools: z.array(z.looseObject({ function: z.looseObject({ name: z.string() }).optional() })).default([]),
});

export function chatRequest(body: unknown): { model: string; turn: ScriptedTurn } {
  const request = parseBody(requestBody, body);
  const items: ConversationItem[] = [];
  const instructions: string[] = [];
  for (const m of request.messages) {
    if (m.role === "system" || m.role === "developer") {
      instructions.push(textOf(m.content));
    } else if (m.role === "user") {
      items.push({ type: "user", text: textOf(m.content) });
    } else if (m.role === "assistant") {
      const toolCalls = (m.tool_calls ?? []).flatMap((call) =>
        call.function ? [{ id: call.id, name: call.function.name, arguments: decodeArguments(call.function.arguments) }] : [],
      );
      items.push({ type: "assistant", text: textOf(m.content), toolCalls });
    } else if (m.role === "tool") {
      const callId = m.tool_call_id ?? "";
      items.push({ type: "tool_result", callId, toolName: toolNameFor(items, callId), output: textOf(m.content), isError: false });
    }
  }
  const tools = request.tools.flatMap((tool) => (tool.function ? [tool.function.name] : []));
  return { model: request.model, turn: { input: items, tools, instructions: instructions.join("\n") } };
}

export function chatCompletionBody(model: string, output: ScriptedOutput, createdAt: number) {
  const toolCalls = output.toolCalls.map((call) => ({
    id: `call_${call.key}`,
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    id: `chatcmpl_${shortHash(JSON.stringify(output))}`,
    object: "chat.completion",
    created: Math.floor(createdAt / 1000),
    model,
    choices: [
      {
        index: 0,
        finish_reason: toolCalls.length > 0 ? "tool_calls" : "stop",
        logprobs: null,
        message: {
          role: "assistant",
          content: output.text === "" && toolCalls.length > 0 ? null : output.text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
      },
    ],
    usage: { prompt_tokens: output.usage.input, completion_tokens: output.usage.output, total_tokens: output.usage.input + output.usage.output },
  };
}
