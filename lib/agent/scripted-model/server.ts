// A scripted model server speaking the OpenAI Responses API (including background mode,
// retrieve and cancel) and Chat Completions over real HTTP. It backs the demo model and the
// tests, so the real `openai` SDK code runs end to end without any AI.
//
// Background responses are stateless: the id carries the creation time and the prompt, so a
// restarted server still answers a retrieve for a response it created before.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { scriptedReply } from "./reply";

export interface ScriptedModelOptions {
  /** How long a background response stays in progress. */
  latencyMs?: number;
  /** How long a create request is held before it is answered (to simulate a slow call). */
  createDelayMs?: number;
  reply?: (input: string) => string;
}

export interface ScriptedModelStats {
  /** Every POST /responses received, including repeats of one idempotency key. */
  createRequests: number;
  /** Distinct responses created (repeats with a known idempotency key return the first). */
  responsesCreated: number;
  retrieves: number;
  cancels: number;
  chatCompletions: number;
}

export interface ScriptedModelServer {
  url: string;
  stats: ScriptedModelStats;
  close(): Promise<void>;
}

interface ResponseId {
  createdAt: number;
  input: string;
}

const MAX_PROMPT_IN_ID = 4000;

export async function startScriptedModelServer(
  options: ScriptedModelOptions = {},
  listen: { port?: number; host?: string } = {},
): Promise<ScriptedModelServer> {
  const latencyMs = options.latencyMs ?? 0;
  const reply = options.reply ?? scriptedReply;
  const stats: ScriptedModelStats = { createRequests: 0, responsesCreated: 0, retrieves: 0, cancels: 0, chatCompletions: 0 };
  const byIdempotencyKey = new Map<string, string>();
  const canceled = new Set<string>();

  function responseBody(id: string, decoded: ResponseId, model: string) {
    const done = Date.now() - decoded.createdAt >= latencyMs;
    const status = canceled.has(id) ? "cancelled" : done ? "completed" : "in_progress";
    const text = reply(decoded.input);
    return {
      id,
      object: "response",
      created_at: Math.floor(decoded.createdAt / 1000),
      model,
      status,
      background: true,
      error: null,
      incomplete_details: null,
      output:
        status === "completed"
          ? [{ type: "message", id: `msg_${id.slice(5, 21)}`, role: "assistant", status: "completed", content: [{ type: "output_text", text, annotations: [] }] }]
          : [],
      output_text: status === "completed" ? text : "",
      usage: status === "completed" ? usageFor(decoded.input, text) : null,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = url.pathname.replace(/^\/v1/, "");
    if (req.method === "POST" && route === "/responses") {
      stats.createRequests++;
      const body = await readJson(req);
      if (options.createDelayMs) await new Promise((resolve) => setTimeout(resolve, options.createDelayMs));
      const key = header(req, "idempotency-key");
      let id = key ? byIdempotencyKey.get(key) : undefined;
      if (!id) {
        stats.responsesCreated++;
        id = encodeId({ createdAt: Date.now(), input: inputText(body.input).slice(0, MAX_PROMPT_IN_ID) });
        if (key) byIdempotencyKey.set(key, id);
      }
      return send(res, 200, responseBody(id, decodeId(id)!, String(body.model ?? "scripted")));
    }
    const match = /^\/responses\/([^/]+)(\/cancel)?$/.exec(route);
    if (match) {
      const id = match[1]!;
      const decoded = decodeId(id);
      if (!decoded) return send(res, 404, { error: { message: `No response with id ${id.slice(0, 40)}`, type: "invalid_request_error" } });
      if (req.method === "POST" && match[2]) {
        stats.cancels++;
        canceled.add(id);
      } else {
        stats.retrieves++;
      }
      return send(res, 200, responseBody(id, decoded, "scripted"));
    }
    if (req.method === "POST" && route === "/chat/completions") {
      stats.chatCompletions++;
      const body = await readJson(req);
      const messages = Array.isArray(body.messages) ? (body.messages as { role: string; content: string }[]) : [];
      const input = messages.filter((m) => m.role === "user").map((m) => m.content).join("\n");
      if (latencyMs) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const text = reply(input);
      const usage = usageFor(input, text);
      return send(res, 200, {
        id: `chatcmpl_${Date.now()}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: String(body.model ?? "scripted"),
        choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: text } }],
        usage: { prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens, total_tokens: usage.total_tokens },
      });
    }
    send(res, 404, { error: { message: `Unknown route ${req.method} ${url.pathname}`, type: "invalid_request_error" } });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: { message: String(error), type: "server_error" } }));
  });
  await new Promise<void>((resolve) => server.listen(listen.port ?? 0, listen.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function encodeId(id: ResponseId): string {
  return `resp_${Buffer.from(JSON.stringify(id)).toString("base64url")}`;
}

function decodeId(id: string): ResponseId | undefined {
  if (!id.startsWith("resp_")) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(id.slice(5), "base64url").toString("utf8")) as Partial<ResponseId>;
    return typeof parsed.createdAt === "number" && typeof parsed.input === "string" ? (parsed as ResponseId) : undefined;
  } catch {
    return undefined;
  }
}

function inputText(input: unknown): string {
  if (typeof input === "string") return input;
  if (Array.isArray(input)) {
    return input
      .map((item) => (typeof item === "object" && item && "content" in item ? String((item as { content: unknown }).content) : ""))
      .join("\n");
  }
  return "";
}

function usageFor(input: string, output: string) {
  const inputTokens = Math.ceil(input.length / 4);
  const outputTokens = Math.ceil(output.length / 4);
  return { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
