// A scripted model server speaking, over real HTTP, the OpenAI Responses API (including
// background mode, retrieve, cancel and idempotency keys), Chat Completions, and Anthropic's
// Messages API, all with tool calls. It backs the demo model and the tests, so the real SDK
// code runs end to end without any AI. What it says is scripted (see ./script).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { chatCompletionBody, chatRequest } from "./chat-api";
import { anthropicError, messageBody, messagesRequest } from "./messages-api";
import { decodeResponseId, encodeResponseId, openAiError, responseBody, responsesRequest } from "./responses-api";
import { replyScript, runScript, type Script } from "./script";
import { ScriptedApiError } from "./wire";

export type { Script, ScriptedReply, ScriptedScreenshot, ScriptedToolCall, ScriptedTurn } from "./script";

export interface ScriptedModelOptions {
  /** How long a background response stays in progress (and a foreground answer is held). */
  latencyMs?: number;
  /** How long a create request is held before it is answered (to simulate a slow call). */
  createDelayMs?: number;
  /** What the model says on each turn. Default: the demo reply to the first user message. */
  script?: Script;
  /** Text-only shorthand for `script`: the answer to the first user message. */
  reply?: (input: string) => string;
  /** When set, every request must carry this key (Bearer or x-api-key), as a real provider requires; else 401. */
  apiKey?: string;
  /** What GET /v1/models lists (default: "scripted"). */
  models?: string[];
}

export interface ScriptedModelStats {
  /** Every POST /responses received, including repeats of one idempotency key. */
  createRequests: number;
  /** Distinct responses created (repeats with a known idempotency key return the first). */
  responsesCreated: number;
  retrieves: number;
  cancels: number;
  chatCompletions: number;
  /** Every POST /v1/messages (Anthropic) received. */
  messages: number;
}

export interface ScriptedModelServer {
  /** Base URL for the OpenAI SDK (ends in /v1). */
  url: string;
  /** Base URL for the Anthropic SDK (the origin: the SDK adds /v1/messages). */
  anthropicUrl: string;
  stats: ScriptedModelStats;
  close(): Promise<void>;
}

/**
 * A repeated key comes from a retried model step, moments after the first; the demo model lives
 * as long as the worker, so remembering every key (~2 KB each, the id holds the whole response)
 * would grow it by that much per model call for good.
 */
export const REMEMBERED_IDEMPOTENCY_KEYS = 1000;

type Api = "openai" | "anthropic";

export async function startScriptedModelServer(
  options: ScriptedModelOptions = {},
  listen: { port?: number; host?: string } = {},
): Promise<ScriptedModelServer> {
  const latencyMs = options.latencyMs ?? 0;
  const script = options.script ?? replyScript(options.reply);
  const stats: ScriptedModelStats = { createRequests: 0, responsesCreated: 0, retrieves: 0, cancels: 0, chatCompletions: 0, messages: 0 };
  const byIdempotencyKey = new Map<string, string>();
  const canceled = new Set<string>();
  const remember = (key: string, id: string) => {
    byIdempotencyKey.set(key, id);
    // Oldest first: a Map iterates in insertion order.
    if (byIdempotencyKey.size > REMEMBERED_IDEMPOTENCY_KEYS) byIdempotencyKey.delete(byIdempotencyKey.keys().next().value!);
  };
  const wait = (ms: number | undefined) => (ms && ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

  function statusOf(id: string, createdAt: number) {
    if (canceled.has(id)) return "cancelled" as const;
    return Date.now() - createdAt >= latencyMs ? ("completed" as const) : ("in_progress" as const);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = url.pathname.replace(/^\/v1/, "");
    if (options.apiKey !== undefined) checkApiKey(req, options.apiKey);
    if (req.method === "GET" && route === "/models") {
      const ids = options.models ?? ["scripted"];
      return send(res, 200, { object: "list", data: ids.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "baton" })) });
    }
    if (req.method === "POST" && route === "/responses") {
      stats.createRequests++;
      const body = await readJson(req);
      await wait(options.createDelayMs);
      const key = header(req, "idempotency-key");
      let id = key ? byIdempotencyKey.get(key) : undefined;
      if (!id) {
        const { model, turn } = responsesRequest(body);
        id = encodeResponseId({ createdAt: Date.now(), model, output: runScript(script, turn) });
        stats.responsesCreated++;
        if (key) remember(key, id);
      }
      const stored = decodeResponseId(id)!;
      // A foreground create is answered when the response is done, as the real API holds it; only
      // background mode returns in progress (the computer-use loop calls in the foreground).
      // (A timer may fire a millisecond early by the wall clock, hence the loop on the status itself.)
      if ((body as { background?: unknown } | null)?.background !== true) {
        while (statusOf(id, stored.createdAt) === "in_progress") await wait(latencyMs - (Date.now() - stored.createdAt) + 1);
      }
      return send(res, 200, responseBody(id, stored, statusOf(id, stored.createdAt)));
    }
    const match = /^\/responses\/([^/]+)(\/cancel)?$/.exec(route);
    if (match) {
      const id = match[1]!;
      const stored = decodeResponseId(id);
      if (!stored) throw new ScriptedApiError(404, "invalid_request_error", `No response with id ${id.slice(0, 40)}`);
      if (req.method === "POST" && match[2]) {
        stats.cancels++;
        canceled.add(id);
      } else {
        stats.retrieves++;
      }
      return send(res, 200, responseBody(id, stored, statusOf(id, stored.createdAt)));
    }
    if (req.method === "POST" && route === "/chat/completions") {
      stats.chatCompletions++;
      const { model, turn } = chatRequest(await readJson(req));
      await wait((options.createDelayMs ?? 0) + latencyMs);
      return send(res, 200, chatCompletionBody(model, runScript(script, turn), Date.now()));
    }
    if (req.method === "POST" && route === "/messages") {
      stats.messages++;
      const betas = (header(req, "anthropic-beta") ?? "").split(",").map((beta) => beta.trim()).filter(Boolean);
      const { model, turn } = messagesRequest(await readJson(req), betas);
      await wait((options.createDelayMs ?? 0) + latencyMs);
      return send(res, 200, messageBody(model, runScript(script, turn)));
    }
    throw new ScriptedApiError(404, "not_found_error", `Unknown route ${req.method} ${url.pathname}`);
  }

  const server: Server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      const apiError =
        error instanceof ScriptedApiError ? error : new ScriptedApiError(500, "server_error", error instanceof Error ? error.message : String(error));
      sendError(res, apiOf(req), apiError);
    });
  });
  await new Promise<void>((resolve) => server.listen(listen.port ?? 0, listen.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    anthropicUrl: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Anthropic's SDK always sends anthropic-version; its errors then come back in Anthropic's shape. */
function apiOf(req: IncomingMessage): Api {
  return req.headers["anthropic-version"] !== undefined || /^(\/v1)?\/messages$/.test(new URL(req.url ?? "/", "http://localhost").pathname)
    ? "anthropic"
    : "openai";
}

function sendError(res: ServerResponse, api: Api, error: ScriptedApiError): void {
  if (api === "anthropic") {
    const type = error.status === 404 ? "not_found_error" : error.status >= 500 ? "api_error" : error.type;
    const kind = error.status === 401 ? "authentication_error" : type;
    return send(res, error.status, anthropicError(new ScriptedApiError(error.status, kind, error.message)));
  }
  const type = error.status === 404 || error.status < 500 ? "invalid_request_error" : "server_error";
  send(res, error.status, openAiError(new ScriptedApiError(error.status, type, error.message, error.code)));
}

/** Refuses a missing or wrong key the way OpenAI does: 401, its wording, the key masked. */
function checkApiKey(req: IncomingMessage, expected: string): void {
  const given = header(req, "x-api-key") ?? /^Bearer\s+(.+)$/i.exec(header(req, "authorization") ?? "")?.[1];
  if (given === expected) return;
  const masked = given ? `${given.slice(0, 3)}${"*".repeat(Math.max(0, given.length - 7))}${given.slice(-4)}` : "none";
  throw new ScriptedApiError(401, "invalid_request_error", `Incorrect API key provided: ${masked}. You can find your API key in your provider's dashboard.`, "invalid_api_key");
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ScriptedApiError(400, "invalid_request_error", "The request body is not valid JSON.");
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
