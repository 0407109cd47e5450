// What the task workflow needs from a model, whatever serves it: one turn of a tool-using
// conversation at a time (the provider-neutral shapes are in ./conversation).
import type { TurnRequest, TurnResult } from "./conversation";

/** A background provider hands back a response id to poll; a foreground one answers at once. */
export type ModelStart = { kind: "background"; responseId: string } | { kind: "done"; result: TurnResult };

export type ModelPoll = { kind: "pending" } | { kind: "done"; result: TurnResult } | { kind: "failed"; message: string };

export interface ModelProvider {
  /** Starts one turn. A repeated idempotency key must not pay for a second turn where the API allows it. */
  start(request: TurnRequest, options: { idempotencyKey: string }): Promise<ModelStart>;
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
