// OpenAI Responses API in background mode: the turn runs on the provider's side, the workflow
// polls it between durable sleeps and can cancel it, so no HTTP request has to stay open.
import type OpenAI from "openai";
import type { FunctionTool, Response, ResponseInputItem } from "openai/resources/responses/responses";
import type { ConversationItem, ToolCall, ToolSpec, TurnResult } from "./conversation";
import { guard, idempotencyHeaders, parseToolArguments, stringifyToolArguments } from "./guard";
import type { ModelPoll, ModelProvider } from "./types";

export function openAiResponsesProvider(client: OpenAI): ModelProvider {
  return {
    async start(request, { idempotencyKey }) {
      const response = await guard(() =>
        client.responses.create(
          {
            model: request.model,
            instructions: request.instructions,
            input: toInputItems(request.conversation),
            ...(request.tools.length > 0 ? { tools: request.tools.map(toFunctionTool) } : {}),
            background: true,
            store: true,
          },
          idempotencyHeaders(idempotencyKey),
        ),
      );
      const poll = toPoll(response);
      return poll.kind === "done" ? { kind: "done", result: poll.result } : { kind: "background", responseId: response.id };
    },
    async poll(responseId) {
      return toPoll(await guard(() => client.responses.retrieve(responseId)));
    },
    async cancel(responseId) {
      await guard(() => client.responses.cancel(responseId));
    },
  };
}

/**
 * The conversation as Responses input items. Function calls go back without their output item
 * ids: the API then does not ask for the reasoning items that produced them, which Baton does
 * not keep (they are provider-specific).
 */
export function toInputItems(conversation: ConversationItem[]): ResponseInputItem[] {
  return conversation.flatMap((item): ResponseInputItem[] => {
    switch (item.type) {
      case "user":
        return [{ role: "user", content: item.text }];
      case "assistant":
        return [
          ...(item.text ? [{ role: "assistant" as const, content: item.text }] : []),
          ...item.toolCalls.map((call) => ({
            type: "function_call" as const,
            call_id: call.id,
            name: call.name,
            arguments: stringifyToolArguments(call.arguments),
          })),
        ];
      case "tool_result":
        // The Responses API has no error flag on a function output, so the output says it.
        return [{ type: "function_call_output", call_id: item.callId, output: item.isError ? `Error: ${item.output}` : item.output }];
    }
  });
}

function toFunctionTool(tool: ToolSpec): FunctionTool {
  // Not strict: strict mode needs every property required and no open objects, which Baton's
  // tool schemas do not promise; arguments are validated by the tool's own zod schema instead.
  return { type: "function", name: tool.name, description: tool.description, parameters: tool.inputSchema, strict: false };
}

function toPoll(response: Response): ModelPoll {
  switch (response.status) {
    case "completed":
      return { kind: "done", result: toResult(response) };
    case "failed":
      return { kind: "failed", message: response.error?.message ?? "The model reported a failure." };
    case "incomplete":
      return { kind: "failed", message: `The model stopped early (${response.incomplete_details?.reason ?? "unknown reason"}).` };
    case "cancelled":
      return { kind: "failed", message: "The model response was cancelled." };
    default:
      return { kind: "pending" };
  }
}

function toResult(response: Response): TurnResult {
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const item of response.output) {
    if (item.type === "message") {
      for (const part of item.content) if (part.type === "output_text") texts.push(part.text);
    } else if (item.type === "function_call") {
      toolCalls.push({ id: item.call_id, name: item.name, arguments: parseToolArguments(item.arguments) });
    }
  }
  return {
    text: texts.join(""),
    toolCalls,
    usage: { inputTokens: response.usage?.input_tokens ?? 0, outputTokens: response.usage?.output_tokens ?? 0 },
  };
}
