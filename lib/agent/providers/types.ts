// What the task workflow needs from a model, whatever serves it.

export interface ModelRequest {
  model: string;
  instructions: string;
  input: string;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ModelResult {
  text: string;
  usage: ModelUsage;
}

/** A background provider hands back a response id to poll; a foreground one answers at once. */
export type ModelStart = { kind: "background"; responseId: string } | { kind: "done"; result: ModelResult };

export type ModelPoll = { kind: "pending" } | { kind: "done"; result: ModelResult } | { kind: "failed"; message: string };

export interface ModelProvider {
  start(request: ModelRequest, options: { idempotencyKey: string }): Promise<ModelStart>;
  poll(responseId: string): Promise<ModelPoll>;
  cancel(responseId: string): Promise<void>;
}

/** A provider failure worth showing the person (quota, bad model name), never a secret. */
export class ModelError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModelError";
  }
}
