// What the task workflow works with, built the same way for every engine: the DBOS worker
// (scripts/worker.ts) and the Inngest functions (inngest/deps.ts) differ only in their dispatcher.
import path from "node:path";
import { putArtifact } from "@/lib/artifacts/save-artifact";
import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { demoEgressOpening, demoSources } from "@/lib/demo/demo-origin";
import { createBrowserPool } from "@/lib/browser";
import { env } from "@/lib/env";
import { listPlaybooks } from "@/lib/playbooks/load-playbooks";
import { detectSandbox } from "@/lib/sandbox/detect-sandbox";
import { demoRepositoriesDir, ensureDemoRepository } from "@/lib/demo/demo-repository";
import { codeTools } from "@/lib/tools/code/code-tools";
import { credentialsFromStore, sshKeyFromStore } from "@/lib/tools/code/code-tools-options";
import { findTaskCodeRules } from "@/lib/code/task-code-rules";
import { hasSubscribers } from "@/lib/push/subscriptions";
import { mailboxConnection } from "@/lib/mail/mailbox-connection";
import { mailTools } from "@/lib/tools/mail/mail-tools";
import { readMcpConfig } from "@/lib/tools/mcp/config";
import { createRunPlaybookTool } from "@/lib/tools/playbooks/run-playbook-tool";
import { builtinTools } from "@/lib/tools/registry";
import { createUseBrowserTool } from "@/lib/tools/browser-use/use-browser-tool";
import { createSpawnSubtasksTool } from "@/lib/subtasks/spawn-subtasks-tool";
import { createProviderCache } from "./providers/provider-cache";
import { PROVIDER_IDS, type ProviderId } from "./providers/registry";
import type { ToolDefinition } from "@/lib/tools/types";
import type { AgentDeps } from "./run-task";
import { demoScript } from "./scripted-model/demo-script";
import { startScriptedModelServer } from "./scripted-model/server";

export interface AgentRuntime {
  deps: AgentDeps;
  toolCount: number;
  /** Stops the demo model server and the shared browser, and disconnects MCP servers. */
  close(): Promise<void>;
}

export async function createAgentDeps(db: Db, dispatcher: Pick<TaskDispatcher, "startRun" | "signal" | "deliverNotification">): Promise<AgentRuntime> {
  const config = env();
  // The MCP SDK (about 25 MB of a process, measured) is loaded only when servers are configured.
  const mcp = config.BATON_MCP_CONFIG
    ? await (await import("@/lib/tools/mcp/connect-mcp")).connectMcpServers(readMcpConfig(config.BATON_MCP_CONFIG))
    : undefined;
  // Playbooks are read once at start: the one a person approved is the one that runs.
  const catalog = await listPlaybooks();
  for (const problem of catalog.problems) console.warn(`Playbook ${problem.file}: ${problem.errors.join("; ")}`);
  const browsers = createBrowserPool({ maxRuns: config.BATON_BROWSER_CONCURRENCY, idleMs: config.BATON_BROWSER_IDLE_MS });
  const runPlaybookTool = createRunPlaybookTool({ db, playbooks: catalog.playbooks.map((loaded) => loaded.playbook), browsers }) as unknown as ToolDefinition;
  // Detected once at start; without a sandbox the code tools refuse every command with the reason.
  const sandbox = await detectSandbox();
  await ensureDemoRepository(config.BATON_DATA_DIR).catch((error: unknown) => console.warn(`The demo repository could not be made: ${String(error)}`));
  if (!sandbox.available) console.warn(`Commands are disabled: ${sandbox.reason}`);
  const code = codeTools({
    sandbox: () => Promise.resolve(sandbox),
    credentialsFor: credentialsFromStore(db),
    sshKeyFor: sshKeyFromStore(db),
    // A template's task is held to its own repository, base branch, prefix and registries.
    taskRules: (params) => findTaskCodeRules(db, params),
    // The demo remote (the shipped fixture, made on first start) is open like an admin's folder.
    localRepositories: [...config.BATON_LOCAL_REPOSITORIES, demoRepositoriesDir(config.BATON_DATA_DIR)],
    remoteAddresses: { allowlist: config.BATON_HTTP_ALLOWLIST },
  });
  const mail = mailTools((userId) => mailboxConnection(db, { userId }));
  const useBrowserTool = createUseBrowserTool({
    db,
    budget: { maxTurns: config.BATON_COMPUTER_USE_MAX_TURNS, maxMs: config.BATON_COMPUTER_USE_MAX_MINUTES * 60_000, maxTokens: config.BATON_COMPUTER_USE_MAX_TOKENS },
  }) as unknown as ToolDefinition;
  const spawnSubtasksTool = createSpawnSubtasksTool({
    db,
    startRun: (runId) => dispatcher.startRun(runId),
    limits: { perCall: config.BATON_SUBTASKS_PER_CALL, maxDepth: config.BATON_SUBTASKS_MAX_DEPTH },
  }) as unknown as ToolDefinition;
  const builtin = [...builtinTools(), runPlaybookTool, useBrowserTool, spawnSubtasksTool, ...code, ...mail];
  // MCP servers that were down at the start join once they answer.
  const tools = () => [...builtin, ...(mcp?.tools ?? [])];
  // The demo model answers from this process. Its background responses live in memory, so a
  // serverless host (many processes) should configure a real model. Its tools read the demo
  // sources the web server serves under /demo/, the one loopback place the tools may reach.
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const demo = await startScriptedModelServer({ latencyMs: config.BATON_DEMO_LATENCY_MS, script: demoScript({ sources: demoSources(), timeZone }) });
  const httpOpenings = [demoEgressOpening()];
  const providers = createProviderCache(db, { demoUrl: () => demo.url });
  const deps: AgentDeps = {
    db,
    startRun: (runId) => dispatcher.startRun(runId),
    signalRun: (runId, topic, payload, key) => dispatcher.signal(runId, topic, payload, key),
    notify: async (notification, options) => {
      if (options?.heard ?? (await hasSubscribers(db, notification))) await dispatcher.deliverNotification(notification);
    },
    provider(id) {
      if (!(PROVIDER_IDS as readonly string[]).includes(id)) throw new Error(`Unknown model provider "${id}".`);
      return providers.provider(id as ProviderId);
    },
    tools,
    toolContext: (work) => ({
      taskId: work.taskId,
      runId: work.runId,
      userId: work.userId,
      workspaceDir: path.resolve(config.BATON_DATA_DIR, "workspaces", work.taskId),
      httpAllowlist: config.BATON_HTTP_ALLOWLIST,
      httpOpenings,
      saveArtifact: (artifact) => putArtifact(db, { ...artifact, taskId: work.taskId, runId: work.runId }),
    }),
    pollIntervalMs: config.BATON_MODEL_POLL_MS,
    modelTimeoutMs: config.BATON_MODEL_TIMEOUT_MS,
    approvalTtlMs: config.BATON_APPROVAL_TTL_MS,
    maxTurns: config.BATON_MAX_TURNS,
  };
  return {
    deps,
    toolCount: tools().length,
    close: async () => {
      await Promise.allSettled([demo.close(), mcp?.close(), browsers.close()]);
    },
  };
}
