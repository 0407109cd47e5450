// Misbehaving MCP servers under the real worker: the worker starts although one server never
// answers `initialize`, a hanging read-only call costs the model two short timeouts (not three
// of the SDK's 60 s), and a crash mid-call is on the task's timeline, with the reconnection
// after it. The servers are the faulty fixture (tests/fixtures/mcp/faulty-server.ts) over stdio.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { setPolicyRule } from "@/lib/policy/risk-policy";
import { createTask } from "@/lib/tasks/create-task";
import { receivedCalls } from "../fixtures/mcp/faulty-server";
import {
  OPENAI_MODEL,
  assistantTurns,
  configureModelsInThisProcess,
  scenarios,
  startAgentWorker,
  timeline,
  toolResults,
  waitForStatus,
  type AgentWorker,
} from "../support/agent-harness";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";

configureModelsInThisProcess();

const root = path.resolve(import.meta.dirname, "..", "..");
const faultyStdio = path.join(root, "tests/fixtures/mcp/faulty-stdio.ts");
let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let model: ScriptedModelServer;
let worker: AgentWorker;
let userId: string;
let scratch: string;
const state = { slow: "", crashy: "", mute: "" };

const CALLS = [
  { name: "slow__lookup", arguments: { word: "otter" } },
  { name: "crashy__send", arguments: { to: "ann" } },
  { name: "crashy__lookup", arguments: { word: "otter" } },
];

const scripted = scenarios({
  // One call per turn, in order, then an answer listing what each returned.
  "mcp-faults": ({ input }) => {
    const call = CALLS[assistantTurns(input)];
    if (call) return { toolCalls: [call] };
    return { text: toolResults(input).map((result) => result.output).join("\n") };
  },
});

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "baton-mcp-agent-"));
  const server = (mode: string, name: keyof typeof state, timeouts: object = {}) => {
    state[name] = mkdtempSync(path.join(scratch, `${name}-`));
    return { command: process.execPath, args: ["--import", "tsx", faultyStdio, mode, state[name]], cwd: root, ...timeouts };
  };
  const configFile = path.join(scratch, "mcp.json");
  const servers = {
    mute: server("silent", "mute", { startTimeoutMs: 1000 }),
    slow: server("hang", "slow", { callTimeoutMs: 300 }),
    crashy: server("crash", "crashy"),
  };
  writeFileSync(configFile, JSON.stringify({ servers }));

  pg = await testDatabase("mcp-agent");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  model = await startScriptedModelServer({ latencyMs: 50, script: scripted.script });
  worker = await startAgentWorker({ databaseUrl: pg.url, workerId: `mcp-agent-${randomUUID().slice(0, 8)}`, model, env: { BATON_MCP_CONFIG: configFile } });
  userId = await createTestUser(db, "MCP faults");
  // send says nothing about itself, so it is destructive and would wait for a person.
  await setPolicyRule(db, { userId, scope: "tool", key: "crashy__send", decision: "allow" });
});

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close()]);
  await pg?.destroy();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("misbehaving MCP servers in a run", () => {
  test("the worker starts without the silent server, and the timeline tells the timeout, the crash and the reconnection", async () => {
    expect(worker.output()).toContain('MCP server "mute" did not start: it did not answer within 1 s');

    const { prompt } = scripted.prompt("mcp-faults", "Look up otter, tell Ann, look it up again.");
    const started = Date.now();
    const { task } = await createTask({ db, engine }, { userId, title: "MCP faults", prompt, ...OPENAI_MODEL });
    await waitForStatus(db, task.id, "completed", worker);
    // Two 0.3 s timeouts and a restart of the crashed server, not minutes of the SDK's default.
    expect(Date.now() - started).toBeLessThan(15_000);

    const events = (await timeline(db, task.id)).filter((event) => event.type.startsWith("tool."));
    expect(events.map((event) => [event.type, event.message])).toEqual([
      ["tool.failed", "slow__lookup failed: slow.lookup did not answer within 0.3 s (asked twice)."],
      [
        "tool.failed",
        "crashy__send failed: crashy.send was cut off: its connection closed; Baton is reconnecting to the server. It may or may not have acted, so Baton did not send it again.",
      ],
      ["tool.called", "crashy__lookup: crashy.lookup answered after Baton reconnected to crashy (it had stopped: its connection closed)"],
    ]);
    // What reached the servers: the read-only lookup twice, the send once, and nothing was retried by the workflow.
    expect(receivedCalls(state.slow).map((call) => call.tool)).toEqual(["lookup", "lookup"]);
    expect(receivedCalls(state.crashy).map((call) => call.tool)).toEqual(["send", "lookup"]);
    expect(receivedCalls(state.mute)).toEqual([]);
  });
});
