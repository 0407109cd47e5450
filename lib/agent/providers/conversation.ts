// The provider-neutral shape of an agent conversation with tools. Each provider translates it to
// its own wire format (Responses input items, Messages content blocks, Chat messages) and back.

export interface ToolCall {
  /** The provider's id for the call; tool results refer to it. */
  id: string;
  name: string;
  /** Parsed JSON arguments, as the model wrote them (not yet validated). */
  arguments: unknown;
}

export type ConversationItem =
  | { type: "user"; text: string }
  | { type: "assistant"; text: string; toolCalls: ToolCall[] }
  | { type: "tool_result"; callId: string; toolName: string; output: string; isError: boolean };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the input (from the tool's zod schema). */
  inputSchema: Record<string, unknown>;
}

export interface TurnRequest {
  model: string;
  instructions: string;
  conversation: ConversationItem[];
  tools: ToolSpec[];
}

export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
}

/** One model turn: text for the person, tool calls for Baton to consider, or both. */
export interface TurnResult {
  text: string;
  toolCalls: ToolCall[];
  usage: TurnUsage;
}
