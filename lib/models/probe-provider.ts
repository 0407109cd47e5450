// Real calls to a provider on the owner's behalf: the model list of an OpenAI-compatible server,
// and the one small request "Test connection" makes. What the provider said comes back readable
// (e.g. "401 Incorrect API key provided"), with any secret redacted.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { RuntimeConnection } from "@/lib/agent/providers/registry";
import { redactSecrets } from "@/lib/redact";

const TIMEOUT_MS = 15_000;
const PROMPT = "Reply with the single word OK.";

export type ProbeResult = { ok: true; message: string } | { ok: false; message: string };

/** The models an OpenAI-compatible server lists at GET {baseUrl}/models. */
export async function listServerModels(baseUrl: string, apiKey: string | undefined): Promise<{ ok: true; models: string[] } | { ok: false; message: string }> {
  const client = new OpenAI({ apiKey: apiKey ?? "unused", baseURL: baseUrl, timeout: TIMEOUT_MS, maxRetries: 0 });
  try {
    const models: string[] = [];
    for await (const model of client.models.list()) models.push(model.id);
    if (models.length === 0) return { ok: false, message: `The server at ${baseUrl} lists no models at /models. Load a model there first.` };
    return { ok: true, models: models.sort() };
  } catch (error) {
    return { ok: false, message: `The server at ${baseUrl} did not list its models: ${providerErrorText(error)}` };
  }
}

/** One real request with the given model: the cheapest proof that the URL, key and model work. */
export async function testConnection(connection: RuntimeConnection, model: string): Promise<ProbeResult> {
  const startedAt = Date.now();
  const options = { apiKey: connection.apiKey ?? "unused", baseURL: connection.baseUrl, timeout: TIMEOUT_MS, maxRetries: 0 };
  try {
    if (connection.provider === "anthropic") {
      await new Anthropic(options).messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: PROMPT }] });
    } else if (connection.provider === "openai") {
      await new OpenAI(options).responses.create({ model, input: PROMPT, max_output_tokens: 16 });
    } else {
      await new OpenAI(options).chat.completions.create({ model, max_tokens: 16, messages: [{ role: "user", content: PROMPT }] });
    }
    return { ok: true, message: `Connected: ${model} answered in ${Date.now() - startedAt} ms.` };
  } catch (error) {
    return { ok: false, message: `${model} did not answer: ${providerErrorText(error)}` };
  }
}

/** The provider's own words: the SDKs put the status and the API's error message in `message`. */
function providerErrorText(error: unknown): string {
  if (error instanceof OpenAI.APIConnectionError || error instanceof Anthropic.APIConnectionError) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return redactSecrets(`could not connect${cause}. Check the URL and that the server is running.`);
  }
  if (error instanceof OpenAI.APIError || error instanceof Anthropic.APIError) {
    const body = error.error as { error?: { message?: unknown }; message?: unknown } | undefined;
    const detail = typeof body?.error?.message === "string" ? body.error.message : typeof body?.message === "string" ? body.message : error.message;
    return redactSecrets(`${error.status ?? "error"} ${detail}`.slice(0, 500));
  }
  return redactSecrets(error instanceof Error ? error.message : String(error)).slice(0, 500);
}
