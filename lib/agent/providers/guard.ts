// What every HTTP model provider shares: the idempotency header, the error boundary, and reading
// the JSON arguments a model wrote for a tool call.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { ModelError } from "./types";

/**
 * Neither SDK sends an idempotency key unless the client declares a header for it, so the
 * workflow's key goes out as an explicit header. A start step repeated after a crash then asks
 * for the same response instead of paying for a second one (where the API honours the key).
 */
export function idempotencyHeaders(key: string) {
  return { headers: { "Idempotency-Key": key } };
}

/**
 * Keeps the status and the provider's message; drops request details that may carry headers.
 * A 4xx other than 429 is the provider's refusal (retrying will not help) and becomes a
 * ModelError; anything else (5xx, 429, network) is rethrown for the step's retries.
 */
export async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = error instanceof OpenAI.APIError || error instanceof Anthropic.APIError ? error.status : undefined;
    if (status !== undefined && status < 500 && status !== 429) {
      throw new ModelError(`The model provider refused the request (${status}): ${(error as Error).message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * The arguments of a tool call as the model wrote them. Malformed JSON is passed on as the raw
 * string, so the workflow can tell the model what was wrong instead of failing the run.
 */
export function parseToolArguments(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** The wire form of arguments: JSON, except a raw (malformed) string, which goes back verbatim. */
export function stringifyToolArguments(args: unknown): string {
  return typeof args === "string" ? args : JSON.stringify(args ?? {});
}
