// Baton on the Inngest engine, in the test process: the real functions (inngest/*) behind the
// in-process InngestTestServer, wired like inngest/deps.ts wires them for /api/inngest, but to the
// test's Postgres, scripted model and fixture site. The dispatcher sends its events to that server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { createDeliverNotificationFunction } from "@/inngest/deliver-notification";
import { createRunCanceledFunction } from "@/inngest/run-canceled";
import { createRunTaskFunction } from "@/inngest/run-task";
import { guardedFeedFetcher } from "@/lib/triggers/fetch-feed";
import { createScheduleTickFunction } from "@/inngest/schedule-tick";
import { anthropicMessagesProvider } from "@/lib/agent/providers/anthropic-messages";
import { openAiResponsesProvider } from "@/lib/agent/providers/openai-responses";
import type { ModelProvider } from "@/lib/agent/providers/types";
import type { AgentDeps } from "@/lib/agent/run-task";
import type { ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { putArtifact } from "@/lib/artifacts/save-artifact";
import type { Db } from "@/lib/db";
import { InngestDispatcher } from "@/lib/engine/inngest/dispatcher";
import { DEFAULT_SUBTASK_LIMITS } from "@/lib/subtasks/schemas";
import { createSpawnSubtasksTool } from "@/lib/subtasks/spawn-subtasks-tool";
import { builtinTools } from "@/lib/tools/registry";
import type { ToolDefinition } from "@/lib/tools/types";
import { InngestTestServer } from "./inngest-test-server";

export interface InngestBackendOptions {
  db: Db;
  model: Pick<ScriptedModelServer, "url" | "anthropicUrl">;
  approvalTtlMs: number;
  /** Wraps the providers, e.g. to make a call fail. */
  wrapProvider?: (provider: ModelProvider, id: string) => ModelProvider;
  pollIntervalMs?: number;
  /** Tools beside the built-in ones (use_browser, which needs a browser and a computer model). */
  tools?: ToolDefinition[];
}

export interface InngestBackend {
  server: InngestTestServer;
  dispatcher: InngestDispatcher;
  agent: AgentDeps;
  functions: {
    runTask: ReturnType<typeof createRunTaskFunction>;
    runCanceled: ReturnType<typeof createRunCanceledFunction>;
    scheduleTick: ReturnType<typeof createScheduleTickFunction>;
    deliverNotification: ReturnType<typeof createDeliverNotificationFunction>;
  };
  close(): void;
}

export function startInngestBackend(options: InngestBackendOptions): InngestBackend {
  const { db } = options;
  const dataDir = mkdtempSync(path.join(tmpdir(), "baton-inngest-test-"));
  const providers: Record<string, ModelProvider> = {
    openai: openAiResponsesProvider(new OpenAI({ apiKey: "sk-test-not-a-real-key-000000", baseURL: options.model.url })),
    anthropic: anthropicMessagesProvider(new Anthropic({ apiKey: "sk-ant-test-not-a-real-key-000000", baseURL: options.model.anthropicUrl })),
  };
  // The server is made below, from the functions; events reach it once it exists.
  const dispatcher: InngestDispatcher = new InngestDispatcher({ db, send: (events): Promise<void> => server.send(events) });
  const tools = [
    ...builtinTools(),
    createSpawnSubtasksTool({ db, startRun: (runId) => dispatcher.startRun(runId), limits: DEFAULT_SUBTASK_LIMITS }) as unknown as ToolDefinition,
    ...(options.tools ?? []),
  ];
  const agent: AgentDeps = {
    db,
    startRun: (runId) => dispatcher.startRun(runId),
    signalRun: (runId, topic, payload, key) => dispatcher.signal(runId, topic, payload, key),
    notify: (notification) => dispatcher.deliverNotification(notification),
    provider(id) {
      const provider = providers[id];
      if (!provider) throw new Error(`Unknown model provider "${id}".`);
      return options.wrapProvider ? options.wrapProvider(provider, id) : provider;
    },
    tools: () => tools,
    toolContext: (work) => ({
      taskId: work.taskId,
      runId: work.runId,
      userId: work.userId,
      workspaceDir: path.join(dataDir, work.taskId),
      httpAllowlist: ["127.0.0.1/32:*"],
      saveArtifact: (artifact) => putArtifact(db, { ...artifact, taskId: work.taskId, runId: work.runId }),
    }),
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    modelTimeoutMs: 5 * 60_000,
    approvalTtlMs: options.approvalTtlMs,
    maxTurns: 10,
  };
  const functions: InngestBackend["functions"] = {
    runTask: createRunTaskFunction(async () => agent),
    runCanceled: createRunCanceledFunction(async () => agent),
    // Feeds the tests serve on loopback, which the SSRF guard refuses unless allowlisted.
    scheduleTick: createScheduleTickFunction(async () => ({ db, dispatcher, graceMs: 60_000, fetchFeed: guardedFeedFetcher({ allowlist: ["127.0.0.1/32:*"] }) })),
    deliverNotification: createDeliverNotificationFunction(async () => ({ db, allowlist: [] })),
  };
  const server: InngestTestServer = new InngestTestServer(Object.values(functions));
  return { server, dispatcher, agent, functions, close: () => {
      server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
