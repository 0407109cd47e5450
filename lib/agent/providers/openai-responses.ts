// OpenAI Responses API in background mode: the turn runs on the provider's side, the workflow
// polls it between durable sleeps and can cancel it, so no HTTP request has to stay open.
import OpenAI from "openai";
import type { Response } from "openai/resources/responses/responses";
import { ModelError, type ModelPoll, type ModelProvider, type ModelResult } from "./types";

export function openAiResponsesProvider(client: OpenAI): ModelProvider {
  return {
    async start(request, { idempotencyKey }) {
      const response = await guard(() =>
        client.responses.create(
          { model: request.model, instructions: request.instructions, input: request.input, background: true, store: true },
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

function toResult(response: Response): ModelResult {
  return {
    text: response.output_text,
    usage: { inputTokens: response.usage?.input_tokens ?? 0, outputTokens: response.usage?.output_tokens ?? 0 },
  };
}

/**
 * The SDK only sends an idempotency key when the client declares a header for it, and OpenAI's
 * client does not, so the workflow's key goes out as an explicit header. A start step repeated
 * after a crash then asks for the same response instead of paying for a second one.
 */
export function idempotencyHeaders(key: string) {
  return { headers: { "Idempotency-Key": key } };
}

/** Keeps the status and the provider's message; drops request details that may carry headers. */
export async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status !== undefined && error.status < 500 && error.status !== 429) {
      throw new ModelError(`The model provider refused the request (${error.status}): ${error.message}`, { cause: error });
    }
    throw error;
  }
}
