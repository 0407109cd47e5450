// Shared pieces of the agent scenario tests: a fixture site on 127.0.0.1 (feed, calendar, a page,
// and a sink that records every other request), a scripted model that picks its script from a tag
// in the task's prompt and keeps every turn it was asked, and a worker configured for both.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { ConversationItem } from "@/lib/agent/providers/conversation";
import type { ScriptedReply, ScriptedTurn } from "@/lib/agent/scripted-model/server";
import type { Db } from "@/lib/db";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { startWorker, type WorkerProcess } from "./worker-process";
import { waitFor } from "./wait-for";

const fixtures = path.resolve(import.meta.dirname, "..", "fixtures");

// ---------------------------------------------------------------------------------------------
// The fixture site

export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
}

export interface FixtureSite {
  origin: string;
  feedUrl: string;
  calendarUrl: string;
  pageUrl: string;
  /** Every request to a path that is not a fixture (the sink), in arrival order. */
  sink: RecordedRequest[];
  /** Paths of fixture files served. */
  served: string[];
  sinkRequests(pathPrefix: string): RecordedRequest[];
  close(): Promise<void>;
}

const FILES: Record<string, { file: string; type: string }> = {
  "/feed.xml": { file: "feeds/rss2.xml", type: "application/rss+xml; charset=utf-8" },
  "/team.ics": { file: "calendar/team.ics", type: "text/calendar; charset=utf-8" },
  "/records-report.html": { file: "agent/injected-page.html", type: "text/html; charset=utf-8" },
};

export async function startFixtureSite(): Promise<FixtureSite> {
  const sink: RecordedRequest[] = [];
  const served: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const fixture = FILES[url.pathname];
      if (req.method === "GET" && fixture) {
        served.push(url.pathname);
        res.writeHead(200, { "content-type": fixture.type });
        res.end(readFileSync(path.join(fixtures, fixture.file)));
        return;
      }
      sink.push({ method: req.method ?? "", path: url.pathname, contentType: req.headers["content-type"], body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, received: sink.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    feedUrl: `${origin}/feed.xml`,
    calendarUrl: `${origin}/team.ics`,
    pageUrl: `${origin}/records-report.html`,
    sink,
    served,
    sinkRequests: (prefix) => sink.filter((request) => request.path.startsWith(prefix)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The scripted model: one script per scenario, chosen by a tag at the start of the prompt

export type ScenarioScript = (turn: ScriptedTurn) => ScriptedReply;

export interface Scenarios {
  /** The script the model server runs. */
  script(turn: ScriptedTurn): ScriptedReply;
  /** A prompt that selects a scenario; the id tells this task's turns apart from others'. */
  prompt(scenario: string, text: string): { prompt: string; id: string };
  /** Every turn the model was asked for the task with this prompt id, in order. */
  turns(id: string): ScriptedTurn[];
}

const TAG = /^\[scenario:([\w-]+) ([\w-]+)\]/;

export function scenarios(scripts: Record<string, ScenarioScript>): Scenarios {
  const seen = new Map<string, ScriptedTurn[]>();
  return {
    script(turn) {
      const first = turn.input.find((item) => item.type === "user");
      const match = first?.type === "user" ? TAG.exec(first.text) : null;
      const script = match ? scripts[match[1]!] : undefined;
      if (!match || !script) return { text: `No scenario in this prompt: ${first?.type === "user" ? first.text.slice(0, 80) : "(none)"}` };
      const log = seen.get(match[2]!) ?? [];
      log.push(structuredClone(turn));
      seen.set(match[2]!, log);
      return script(turn);
    },
    prompt(scenario, text) {
      const id = randomUUID();
      return { prompt: `[scenario:${scenario} ${id}] ${text}`, id };
    },
    turns: (id) => seen.get(id) ?? [],
  };
}

export function toolResults(input: ConversationItem[]) {
  return input.filter((item): item is Extract<ConversationItem, { type: "tool_result" }> => item.type === "tool_result");
}

export function lastToolResult(input: ConversationItem[]) {
  return toolResults(input).at(-1);
}

/** How many model turns came before this one in this run's conversation (its assistant items). */
export function assistantTurns(input: ConversationItem[]): number {
  return input.filter((item) => item.type === "assistant").length;
}

// ---------------------------------------------------------------------------------------------
// The worker and the database side

export const ANTHROPIC_MODEL = { provider: "anthropic", model: "claude-sonnet-4-5" } as const;
export const OPENAI_MODEL = { provider: "openai", model: "gpt-5-mini" } as const;

/**
 * This process creates tasks (createTask checks the model against this process's configuration):
 * OpenAI by default, Anthropic offered too. env() is read lazily, so call this before using it.
 */
export function configureModelsInThisProcess(): void {
  Object.assign(process.env, {
    BATON_MODEL_PROVIDER: "openai",
    OPENAI_API_KEY: "sk-test-not-a-real-key-000000",
    ANTHROPIC_API_KEY: "sk-ant-test-not-a-real-key-000000",
  });
}

export interface AgentWorker extends WorkerProcess {
  dataDir: string;
}

/** A worker that may reach the fixture site (127.0.0.1 allowlisted) and speaks to the scripted model over both APIs. */
export async function startAgentWorker(options: {
  databaseUrl: string;
  workerId: string;
  model: { url: string; anthropicUrl: string };
  env?: Record<string, string>;
}): Promise<AgentWorker> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "baton-agent-test-"));
  const worker = await startWorker({
    databaseUrl: options.databaseUrl,
    workerId: options.workerId,
    modelBaseUrl: options.model.url,
    env: {
      ANTHROPIC_API_KEY: "sk-ant-test-not-a-real-key-000000",
      ANTHROPIC_BASE_URL: options.model.anthropicUrl,
      BATON_HTTP_ALLOWLIST: "127.0.0.1/32:*",
      BATON_MODEL_POLL_MS: "100",
      BATON_DATA_DIR: dataDir,
      ...options.env,
    },
  });
  return {
    ...worker,
    dataDir,
    kill: async (signal) => {
      await worker.kill(signal);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type TaskStatusName = "queued" | "running" | "waiting_approval" | "completed" | "failed" | "canceled";

/** Waits for the task to reach a status; on timeout, says where it is and what the worker printed. */
export async function waitForStatus(db: Db, taskId: string, status: TaskStatusName, worker?: WorkerProcess, timeoutMs = 30_000) {
  try {
    return await waitFor(
      async () => {
        const task = await db.task.findUniqueOrThrow({ where: { id: taskId } });
        if (task.status === status) return task;
        // A terminal status other than the one expected will not change: fail now, with the reason.
        if (["completed", "failed", "canceled"].includes(task.status)) {
          throw new Error(`task is ${task.status} (${task.statusReason ?? "no reason"}), expected ${status}`);
        }
        return undefined;
      },
      { timeoutMs, what: `task ${taskId} to be ${status}` },
    );
  } catch (error) {
    const task = await db.task.findUnique({ where: { id: taskId } });
    throw new Error(`${String(error)}\n(now ${task?.status}: ${task?.statusReason ?? ""})${worker ? `\nworker output:\n${worker.output().slice(-4000)}` : ""}`);
  }
}

export async function waitForPendingApproval(db: Db, taskId: string, worker?: WorkerProcess) {
  await waitForStatus(db, taskId, "waiting_approval", worker);
  return db.approval.findFirstOrThrow({ where: { taskId, status: "pending" } });
}

export async function timeline(db: Db, taskId: string) {
  return db.timelineEvent.findMany({ where: { taskId }, orderBy: { id: "asc" } });
}

export async function answerOf(db: Db, runId: string): Promise<string> {
  const artifact = await db.artifact.findUniqueOrThrow({ where: { runId_name: { runId, name: "answer.md" } } });
  return Buffer.from(artifact.content).toString("utf8");
}

/** Awaits a promise that must reject with an AppError of this code. */
export async function expectAppError(promise: Promise<unknown>, code: AppErrorCode): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `expected an AppError ${code}`).toBeInstanceOf(AppError);
  expect((error as AppError).code, (error as AppError).message).toBe(code);
  return error as AppError;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
