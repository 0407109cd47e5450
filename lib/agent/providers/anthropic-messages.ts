// Anthropic's Messages API with tool use. It has no background mode, so the turn completes
// inside one step (the SDK's own timeout bounds it).
import type Anthropic from "@anthropic-ai/sdk";
import type { ConversationItem, ToolCall, ToolSpec } from "./conversation";
import { guard, idempotencyHeaders } from "./guard";
import { ModelError, type ModelProvider } from "./types";

/** Room for a long Markdown answer while staying under the SDK's limit for a non-streaming call. */
export const ANTHROPIC_MAX_TOKENS = 8192;

export function anthropicMessagesProvider(client: Anthropic): ModelProvider {
  return {
    async start(request, { idempotencyKey }) {
      const message = await guard(() =>
        client.messages.create(
          {
            model: request.model,
            max_tokens: ANTHROPIC_MAX_TOKENS,
            system: request.instructions,
            messages: toMessages(request.conversation),
            ...(request.tools.length > 0 ? { tools: request.tools.map(toTool) } : {}),
          },
          idempotencyHeaders(idempotencyKey),
        ),
      );
      const texts: string[] = [];
      const toolCalls: ToolCall[] = [];
      for (const block of message.content) {
        if (block.type === "text") texts.push(block.text);
        else if (block.type === "tool_use") toolCalls.push({ id: block.id, name: block.name, arguments: block.input });
      }
      if (message.stop_reason === "max_tokens" && toolCalls.length > 0) {
        // A tool_use block cut off by the token limit has incomplete input: do not run it.
        throw new ModelError("The model stopped early (max_tokens) in the middle of a tool call.");
      }
      return {
        kind: "done",
        result: { text: texts.join(""), toolCalls, usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens } },
      };
    },
    async poll() {
      throw new ModelError("This provider answers in the foreground; there is nothing to poll.");
    },
    async cancel() {},
  };
}

type Block = Anthropic.ContentBlockParam;

/**
 * The conversation as alternating user/assistant messages: consecutive items of one role are
 * merged (the API requires alternation), tool results travel in user messages ahead of any text
 * (the API requires them first), and empty text blocks are dropped (the API rejects them).
 */
export function toMessages(conversation: ConversationItem[]): Anthropic.MessageParam[] {
  const messages: { role: "user" | "assistant"; content: Block[] }[] = [];
  const push = (role: "user" | "assistant", blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const item of conversation) {
    switch (item.type) {
      case "user":
        push("user", item.text ? [{ type: "text", text: item.text }] : []);
        break;
      case "assistant":
        push("assistant", [
          ...(item.text ? [{ type: "text" as const, text: item.text }] : []),
          ...item.toolCalls.map((call) => ({ type: "tool_use" as const, id: call.id, name: call.name, input: toInput(call.arguments) })),
        ]);
        break;
      case "tool_result":
        push("user", [{ type: "tool_result", tool_use_id: item.callId, content: item.output, is_error: item.isError }]);
        break;
    }
  }
  return messages.map(({ role, content }) =>
    role === "user" ? { role, content: [...content.filter(isToolResult), ...content.filter((block) => !isToolResult(block))] } : { role, content },
  );
}

function isToolResult(block: Block): boolean {
  return block.type === "tool_result";
}

/** tool_use input must be an object; anything else (never produced by this API) is wrapped. */
function toInput(args: unknown): Record<string, unknown> {
  return typeof args === "object" && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : { input: args };
}

function toTool(tool: ToolSpec): Anthropic.Tool {
  return { name: tool.name, description: tool.description, input_schema: { ...tool.inputSchema, type: "object" } };
}
