// One configured MCP server's connection over the worker's life. The first start and every
// reconnection are bounded by the server's startTimeoutMs; after a failed start or a dropped
// connection (a stdio server that crashed), Baton tries again with growing delays, so a server
// that keeps dying is restarted at most once a minute. A call asks for the live client and learns
// whether it had to wait for a reconnection, so its timeline event can say so.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { ToolError } from "../types";
import type { McpServerConfig } from "./config";
import { seconds } from "./seconds";

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 60_000;

/** The wait before the next attempt after `failures` attempts in a row failed (0 right after a drop). */
export function reconnectDelayMs(failures: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failures);
}

export interface LiveClient {
  client: Client;
  /** Why the server had stopped, when this call waited for Baton to reconnect it. */
  reconnectedAfter?: string;
}

type State =
  | { kind: "connecting"; attempt: Promise<void> }
  | { kind: "ready"; client: Client }
  | { kind: "down"; reason: string; retryAt: number; next: Promise<void>; settle: () => void; timer: NodeJS.Timeout }
  | { kind: "closed" };

const STDERR_TAIL_CHARS = 300;

export class McpServerLink {
  /** The tools the server listed on its last successful connection. */
  tools: Tool[] = [];
  private state: State = { kind: "closed" };
  private failures = 0;
  /** Why the last live connection ended, until the server is back. */
  private droppedBecause: string | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    readonly config: McpServerConfig,
    private readonly log: (line: string) => void,
  ) {}

  /** The first attempt: resolves with why it failed, or undefined once the server is connected. */
  async start(): Promise<string | undefined> {
    await this.attempt();
    return this.state.kind === "down" ? this.state.reason : undefined;
  }

  /** The connected client, waiting at most about startTimeoutMs for a (re)connection under way. */
  async live(): Promise<LiveClient> {
    const stoppedBecause = this.droppedBecause;
    const deadline = Date.now() + this.config.startTimeoutMs;
    let waited = false;
    for (;;) {
      const state = this.state;
      if (state.kind === "ready") return { client: state.client, reconnectedAfter: waited ? stoppedBecause : undefined };
      if (state.kind === "closed") throw new ToolError(`The MCP server ${this.name} is disconnected: the worker is stopping.`);
      if (state.kind === "down" && state.retryAt > deadline) {
        throw new ToolError(`The MCP server ${this.name} is not connected (${state.reason}); Baton tries again in ${seconds(state.retryAt - Date.now())}.`);
      }
      waited = true;
      await (state.kind === "connecting" ? state.attempt : state.next);
    }
  }

  /** A call found the connection gone (an HTTP server that went away closes nothing on our side). */
  dropped(client: Client, reason: string, stderr = ""): void {
    if (this.state.kind !== "ready" || this.state.client !== client) return;
    this.droppedBecause = reason;
    this.goDown(reason, stderr, "stopped");
    void client.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const state = this.state;
    this.state = { kind: "closed" };
    if (state.kind === "down") {
      clearTimeout(state.timer);
      // Calls waiting for the next attempt learn that there will be none.
      state.settle();
    }
    if (state.kind === "ready") await state.client.close().catch(() => undefined);
    if (state.kind === "connecting") await state.attempt;
  }

  private attempt(): Promise<void> {
    // Deferred, so the state says "connecting" before the attempt can change it.
    const attempt = Promise.resolve().then(() => this.connectOnce());
    this.state = { kind: "connecting", attempt };
    return attempt;
  }

  private async connectOnce(): Promise<void> {
    const { startTimeoutMs } = this.config;
    let stderr = "";
    const client = new Client({ name: "baton", version: "1" });
    try {
      await client.connect(this.transport((chunk) => (stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS))), { timeout: startTimeoutMs });
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: startTimeoutMs });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      if (this.closed) {
        await client.close();
        return;
      }
      this.tools = tools;
      this.state = { kind: "ready", client };
      client.onclose = () => this.dropped(client, "its connection closed", stderr);
      if (this.droppedBecause) this.log(`[worker] MCP server "${this.name}" is connected again`);
      else if (this.failures > 0) this.log(`[worker] MCP server "${this.name}" is connected after ${this.failures} failed attempt(s)`);
      this.failures = 0;
      this.droppedBecause = undefined;
    } catch (error) {
      await client.close().catch(() => undefined);
      if (this.closed) return;
      this.failures++;
      this.goDown(startFailure(error, startTimeoutMs), stderr, this.droppedBecause ? "could not reconnect" : "did not start");
    }
  }

  private goDown(reason: string, stderr: string, what: string): void {
    const delay = reconnectDelayMs(this.failures);
    let settle!: () => void;
    const next = new Promise<void>((resolve) => (settle = resolve));
    const timer = setTimeout(() => void this.attempt().then(settle), delay);
    // A pending reconnection must not keep a finished process alive.
    timer.unref();
    this.state = { kind: "down", reason, retryAt: Date.now() + delay, next, settle, timer };
    this.log(`[worker] MCP server "${this.name}" ${what}: ${withStderr(reason, stderr)}; trying again in ${seconds(delay)}`);
  }

  private transport(onStderr: (chunk: string) => void) {
    const server = this.config;
    if ("url" in server) return new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.headers } });
    const transport = new StdioClientTransport({ command: server.command, args: server.args, env: server.env, cwd: server.cwd, stderr: "pipe" });
    transport.stderr?.on("data", (chunk: Buffer) => onStderr(chunk.toString("utf8")));
    return transport;
  }
}

function startFailure(error: unknown, startTimeoutMs: number): string {
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) return `it did not answer within ${seconds(startTimeoutMs)}`;
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) return "its connection closed before it answered";
  return error instanceof Error ? error.message : String(error);
}

function withStderr(reason: string, stderr: string): string {
  const tail = stderr.trim().split(/\s*\n\s*/).join(" | ");
  return tail ? `${reason} (its stderr ended: ${tail})` : reason;
}
