// OpenAI-compatible servers (Ollama, vLLM, llama.cpp) through Chat Completions, the endpoint
// they all speak. They have no background mode, so the call completes inside one step.
import type OpenAI from "openai";
import type { ChatCompletionFunctionTool, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { ConversationItem, ToolCall, ToolSpec } from "./conversation";
import { guard, idempotencyHeaders, parseToolArguments, stringifyToolArguments } from "./guard";
import { ModelError, type ModelProvider } from "./types";

export function openAiChatProvider(client: OpenAI): ModelProvider {
  return {
    async start(request, { idempotencyKey }) {
      const completion = await guard(() =>
        client.chat.completions.create(
          {
            model: request.model,
            messages: [{ role: "system", content: request.instructions }, ...toMessages(request.conversation)],
            // Some compatible servers reject an empty tools list, so none is sent without tools.
            ...(request.tools.length > 0 ? { tools: request.tools.map(toFunctionTool) } : {}),
          },
          idempotencyHeaders(idempotencyKey),
        ),
      );
      const choice = completion.choices[0];
      if (!choice) throw new ModelError("The model returned no answer.");
      const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).flatMap((call) =>
        call.type === "function" ? [{ id: call.id, name: call.function.name, arguments: parseToolArguments(call.function.arguments) }] : [],
      );
      if (choice.finish_reason === "length" && toolCalls.length > 0) {
        throw new ModelError("The model stopped early (length) in the middle of a tool call.");
      }
      return {
        kind: "done",
        result: {
          text: choice.message.content ?? "",
          toolCalls,
          usage: { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 },
        },
      };
    },
    async poll() {
      throw new ModelError("This provider answers in the foreground; there is nothing to poll.");
    },
    async cancel() {},
  };
}

export function toMessages(conversation: ConversationItem[]): ChatCompletionMessageParam[] {
  return conversation.map((item): ChatCompletionMessageParam => {
    switch (item.type) {
      case "user":
        return { role: "user", content: item.text };
      case "assistant":
        return {
          role: "assistant",
          content: item.text || null,
          ...(item.toolCalls.length > 0
            ? {
                tool_calls: item.toolCalls.map((call) => ({
                  id: call.id,
                  type: "function" as const,
                  function: { name: call.name, arguments: stringifyToolArguments(call.arguments) },
                })),
              }
            : {}),
        };
      case "tool_result":
        // Chat Completions has no error flag on a tool message, so the content says it.
        return { role: "tool", tool_call_id: item.callId, content: item.isError ? `Error: ${item.output}` : item.output };
    }
  });
}

function toFunctionTool(tool: ToolSpec): ChatCompletionFunctionTool {
  return { type: "function", function: { name: tool.name, description: tool.description, parameters: tool.inputSchema } };
}
