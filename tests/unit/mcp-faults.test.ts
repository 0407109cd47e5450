// MCP servers that misbehave, played by a faulty server of our own (tests/fixtures/mcp/faulty-server.ts)
// over real stdio and streamable HTTP with the official SDK on both sides: one that never answers
// `initialize`, one that hangs on a call, one that crashes mid-call, one that is down at the start.
// Timeouts are set short per server, as a person would set them in BATON_MCP_CONFIG.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mcpConfigSchema } from "@/lib/tools/mcp/config";
import { connectMcpServers, type McpConnection } from "@/lib/tools/mcp/connect-mcp";
import { ToolError } from "@/lib/tools/types";
import { receivedCalls, startFaultyHttpServer, type FaultyMode } from "../fixtures/mcp/faulty-server";
import { testToolContext } from "../support/tool-context";
import { waitFor } from "../support/wait-for";

const root = path.resolve(import.meta.dirname, "..", "..");
const faultyStdio = path.join(root, "tests/fixtures/mcp/faulty-stdio.ts");
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function stateDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "baton-mcp-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function stdio(mode: FaultyMode, state: string, timeouts: { startTimeoutMs?: number; callTimeoutMs?: number } = {}) {
  return { command: process.execPath, args: ["--import", "tsx", faultyStdio, mode, state], cwd: root, ...timeouts };
}

async function http(mode: FaultyMode, state: string, port?: number) {
  const server = await startFaultyHttpServer(mode, state, port);
  cleanups.push(() => server.close());
  return server.url;
}

async function connect(servers: Record<string, unknown>) {
  const log: string[] = [];
  const connection = await connectMcpServers(mcpConfigSchema.parse({ servers }), (line) => log.push(line));
  cleanups.push(() => connection.close());
  return { connection, log };
}

function tool(connection: McpConnection, name: string) {
  const found = connection.tools.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no tool ${name}; have ${connection.tools.map((t) => t.name).join(", ")}`);
  return found;
}

const failureOf = (promise: Promise<unknown>) => promise.then(() => new Error("the call succeeded"), (error: unknown) => error as Error);

describe("MCP server configuration", () => {
  it("gives every server a 10 s start and a 30 s call timeout unless it sets its own", () => {
    const config = mcpConfigSchema.parse({ servers: { notes: { command: "node" }, crm: { url: "https://crm.example/mcp", callTimeoutMs: 120_000 } } });
    expect(config.servers.notes).toMatchObject({ startTimeoutMs: 10_000, callTimeoutMs: 30_000 });
    expect(config.servers.crm).toMatchObject({ startTimeoutMs: 10_000, callTimeoutMs: 120_000 });
    expect(mcpConfigSchema.safeParse({ servers: { notes: { command: "node", callTimeoutMs: 0 } } }).success).toBe(false);
  });
});

describe("MCP servers that misbehave", () => {
  it("starts servers in parallel: those that never answer initialize delay no other and are named with the reason", async () => {
    const started = Date.now();
    const { connection, log } = await connect({
      mute: stdio("silent", stateDir(), { startTimeoutMs: 1500 }),
      "mute-http": { url: await http("silent", stateDir()), startTimeoutMs: 1500 },
      faulty: { url: await http("normal", stateDir()) },
    });
    const elapsed = Date.now() - started;
    expect(connection.tools.map((t) => t.name).sort()).toEqual(["faulty__lookup", "faulty__send", "faulty__tag"]);
    expect(connection.unavailable).toEqual([
      { server: "mute", reason: "it did not answer within 1.5 s" },
      { server: "mute-http", reason: "it did not answer within 1.5 s" },
    ]);
    // One start timeout, not one after the other.
    expect(elapsed).toBeLessThan(2_900);
    expect(log).toContain('[worker] MCP server "mute" did not start: it did not answer within 1.5 s; trying again in 1 s');
  }, 15_000);

  it("a call that hangs fails after the server's callTimeoutMs as a tool error, and is not sent again", async () => {
    const state = stateDir();
    const { connection } = await connect({ faulty: stdio("hang", state, { callTimeoutMs: 300 }) });
    const started = Date.now();
    const error = await failureOf(tool(connection, "faulty__send").run({ to: "ann" }, testToolContext()));
    // A ToolError is the model's answer: the workflow does not retry it (lib/agent/handle-tool-call.ts).
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe("faulty.send did not answer within 0.3 s; Baton cancelled the call. It may or may not have acted, so Baton did not send it again.");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(receivedCalls(state).map((call) => call.tool)).toEqual(["send"]);
  }, 15_000);

  it("a read-only call that hangs is asked once more with the same idempotency key, then fails", async () => {
    const state = stateDir();
    const { connection } = await connect({ faulty: { url: await http("hang", state), callTimeoutMs: 300 } });
    const started = Date.now();
    const error = await failureOf(tool(connection, "faulty__lookup").run({ word: "otter" }, testToolContext({ idempotencyKey: "baton-lookup-1" })));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe("faulty.lookup did not answer within 0.3 s (asked twice).");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(receivedCalls(state).map((call) => [call.tool, call.idempotencyKey])).toEqual([
      ["lookup", "baton-lookup-1"],
      ["lookup", "baton-lookup-1"],
    ]);
  }, 15_000);

  it("a server that crashes mid-call is started again; the call that may have acted is reported, not repeated", async () => {
    const state = stateDir();
    const { connection, log } = await connect({ faulty: stdio("crash", state) });
    const context = testToolContext();
    const error = await failureOf(tool(connection, "faulty__send").run({ to: "ann" }, context));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe("faulty.send was cut off: its connection closed; Baton is reconnecting to the server. It may or may not have acted, so Baton did not send it again.");

    const next = await tool(connection, "faulty__tag").run({ label: "urgent" }, context);
    expect(next.summary).toBe("faulty.tag answered after Baton reconnected to faulty (it had stopped: its connection closed)");
    const calls = receivedCalls(state);
    expect(calls.map((call) => call.tool)).toEqual(["send", "tag"]);
    expect(calls[1]!.pid).not.toBe(calls[0]!.pid);
    expect(log).toEqual(['[worker] MCP server "faulty" stopped: its connection closed; trying again in 0.5 s', '[worker] MCP server "faulty" is connected again']);
  }, 20_000);

  it("an HTTP server that drops the connection mid-call: the same report, and the next call reconnects", async () => {
    const state = stateDir();
    const { connection } = await connect({ faulty: { url: await http("crash", state) } });
    const context = testToolContext();
    const error = await failureOf(tool(connection, "faulty__send").run({ to: "ann" }, context));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe("faulty.send was cut off: fetch failed; Baton is reconnecting to the server. It may or may not have acted, so Baton did not send it again.");
    const next = await tool(connection, "faulty__tag").run({ label: "urgent" }, context);
    expect(next.summary).toBe("faulty.tag answered after Baton reconnected to faulty (it had stopped: fetch failed)");
    expect(receivedCalls(state).map((call) => call.tool)).toEqual(["send", "tag"]);
  }, 20_000);

  it("a call to a server that stays down fails at once, saying when Baton tries again", async () => {
    const state = stateDir();
    const server = await startFaultyHttpServer("normal", state);
    const { connection } = await connect({ gone: { url: server.url, startTimeoutMs: 200 } });
    await server.close();
    const first = await failureOf(tool(connection, "gone__send").run({ to: "ann" }, testToolContext()));
    expect(first.message).toBe("gone.send was cut off: fetch failed; Baton is reconnecting to the server. It may or may not have acted, so Baton did not send it again.");
    const started = Date.now();
    const next = await failureOf(tool(connection, "gone__tag").run({ label: "urgent" }, testToolContext()));
    expect(next).toBeInstanceOf(ToolError);
    expect(next.message).toMatch(/^The MCP server gone is not connected \(fetch failed\); Baton tries again in [\d.]+ s\.$/);
    expect(Date.now() - started).toBeLessThan(1_000);
  }, 15_000);

  it("a read-only call cut off by a crash is asked again once the server is back, and says so", async () => {
    const state = stateDir();
    const { connection } = await connect({ faulty: stdio("crash", state) });
    const answered = await tool(connection, "faulty__lookup").run({ word: "otter" }, testToolContext({ idempotencyKey: "baton-lookup-2" }));
    expect(answered.summary).toBe(
      "faulty.lookup answered on the second try (the first was cut off: its connection closed) after Baton reconnected to faulty (it had stopped: its connection closed)",
    );
    expect(answered.output).toMatch(/^found \(pid \d+\)$/);
    const calls = receivedCalls(state);
    expect(calls.map((call) => [call.tool, call.idempotencyKey])).toEqual([
      ["lookup", "baton-lookup-2"],
      ["lookup", "baton-lookup-2"],
    ]);
    expect(calls[1]!.pid).not.toBe(calls[0]!.pid);
  }, 20_000);

  it("a server down at the start is tried again with growing delays, and its tools join once it answers", async () => {
    const state = stateDir();
    // A loopback port nobody listens on yet.
    const probe = await startFaultyHttpServer("normal", state);
    const port = Number(new URL(probe.url).port);
    await probe.close();

    const { connection, log } = await connect({ late: { url: `http://127.0.0.1:${port}/mcp` } });
    expect(connection.unavailable).toEqual([{ server: "late", reason: "fetch failed" }]);
    expect(connection.tools).toEqual([]);
    await waitFor(async () => log.length >= 2, { timeoutMs: 5_000, what: "a second failed attempt" });
    expect(log.map((line) => line.match(/trying again in (.+)$/)?.[1])).toEqual(["1 s", "2 s"]);

    await http("normal", state, port);
    await waitFor(async () => connection.tools.length > 0, { timeoutMs: 10_000, what: "the late server's tools" });
    expect(connection.tools.map((t) => t.name).sort()).toEqual(["late__lookup", "late__send", "late__tag"]);
    expect(log.at(-1)).toBe('[worker] MCP server "late" is connected after 2 failed attempt(s)');
    expect((await tool(connection, "late__lookup").run({ word: "otter" }, testToolContext())).summary).toBe("late.lookup answered");
  }, 20_000);
});
