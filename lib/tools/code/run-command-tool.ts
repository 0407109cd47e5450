// run_command: one shell command in the task's sandbox (lib/sandbox), started in a folder of the
// workspace. Its exit code and clipped output go back to the model and onto the timeline. When no
// sandbox could start here, every call is refused with the reason: nothing runs unconfined.
import { z } from "zod";
import type { TaskCodeRules } from "@/lib/code/task-code-rules";
import type { RemoteAddressRules } from "@/lib/code/remote-address";
import type { SandboxStatus } from "@/lib/sandbox/detect-sandbox";
import { startRegistryProxy, type RegistryProxy } from "@/lib/sandbox/registry-proxy";
import { runSandboxed, type SandboxResult } from "@/lib/sandbox/run-sandboxed";
import type { SandboxLimits } from "@/lib/sandbox/sandbox-limits";
import { readTestResults, testResultsMarkdown } from "@/lib/code/test-results";
import { ToolError, type ToolDefinition } from "../types";

/** Output the model gets per stream; the sandbox keeps the start and the end of it. */
const MODEL_OUTPUT_BYTES = 8 * 1024;
const MAX_TIMEOUT_SECONDS = 600;

export const runCommandInput = z.object({
  command: z.string().min(1).max(4000).describe('A shell command line run with /bin/sh, e.g. "npm test" or "git diff --stat".'),
  cwd: z.string().max(1024).optional().describe('The folder to run it in, relative to the task workspace (default "."), e.g. "repo".'),
  timeoutSeconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS).optional().describe("Wall time before the command is killed (default 300)."),
  testResults: z
    .enum(["before", "after"])
    .optional()
    .describe('Set when this runs the test suite: "before" your change or "after" it. Saves the results (passed/failed counts, failing tests, output) as the artifact test-results-before.md or test-results-after.md.'),
});
export type RunCommandInput = z.infer<typeof runCommandInput>;

export interface RunCommandToolOptions {
  /** The sandbox found at start (detectSandbox). */
  sandbox: () => Promise<SandboxStatus>;
  limits?: Partial<SandboxLimits>;
  /** The task's rules: the package registries its template opened, if any (default: no network). */
  taskRules?: (params: { taskId: string; userId: string }) => Promise<TaskCodeRules | null>;
  /** The SSRF rule's allowlist, applied to the registries' addresses too. */
  remoteAddresses?: RemoteAddressRules;
}

function describeEnd(result: SandboxResult): string {
  if (result.timedOut) return "was killed at the time limit";
  if (result.exitCode === null) return `was ended by ${result.signal ?? "a signal"}`;
  return `exited ${result.exitCode}`;
}

export function createRunCommandTool(options: RunCommandToolOptions): ToolDefinition<typeof runCommandInput> {
  return {
    name: "run_command",
    description:
      "Run a shell command in this task's sandbox: the task workspace is the only writable folder (mounted at /workspace), there is no " +
      "network (unless the task lists package registries: then only those, through HTTPS_PROXY), and CPU, memory, processes and time are limited. Use it to run tests, builds and git commands on a cloned repository. " +
      "You get the exit code and the output (long output keeps its start and end).",
    input: runCommandInput,
    risk: () => "write",
    target: ({ command, cwd }) => `${cwd && cwd !== "." ? `${cwd}: ` : ""}${command}`,
    // A command may have changed the workspace before failing; running it again is the model's call.
    idempotent: () => false,
    async run({ command, cwd, timeoutSeconds, testResults }, context) {
      const status = await options.sandbox();
      if (!status.available) throw new ToolError(`Commands cannot run here: ${status.reason}`);
      const hosts = (await options.taskRules?.({ taskId: context.taskId, userId: context.userId }))?.registryHosts ?? [];
      let result: SandboxResult;
      let proxy: RegistryProxy | undefined;
      try {
        if (hosts.length > 0) proxy = await startRegistryProxy({ hosts, allowlist: options.remoteAddresses?.allowlist ?? [], lookup: options.remoteAddresses?.lookup });
        result = await runSandboxed(status.sandbox, {
          ...(proxy ? { registryProxy: { socketPath: proxy.socketPath } } : {}),
          workspaceDir: context.workspaceDir,
          command: ["/bin/sh", "-c", command],
          cwd,
          limits: { ...options.limits, maxOutputBytes: MODEL_OUTPUT_BYTES, ...(timeoutSeconds ? { wallTimeMs: timeoutSeconds * 1000 } : {}) },
        });
      } catch (error) {
        throw new ToolError(error instanceof Error ? error.message : String(error), { cause: error });
      } finally {
        await proxy?.close();
      }
      const network = proxy ? { network: { registries: hosts, reached: proxy.reached, refused: proxy.refused } } : {};
      const refusedNote = proxy && proxy.refused.length > 0 ? `; the proxy refused ${proxy.refused.join(", ")}` : "";
      const seconds = (result.durationMs / 1000).toFixed(1);
      let tests = "";
      if (testResults) {
        const output = [result.stdout.text, result.stderr.text].filter(Boolean).join("\n");
        const read = readTestResults(output, result.exitCode);
        const name = `test-results-${testResults}.md`;
        await context.saveArtifact({ name, kind: "markdown", content: testResultsMarkdown({ command, label: `${testResults} the change`, results: read, output }) });
        tests = read.passed === null && read.failed === null ? ` (results in ${name})` : `: ${read.passed ?? 0} passed, ${read.failed ?? 0} failed (${name})`;
      }
      return {
        output: {
          command,
          cwd: cwd ?? ".",
          exitCode: result.exitCode,
          ...(result.signal ? { signal: result.signal } : {}),
          ...(result.timedOut ? { timedOut: true } : {}),
          durationMs: result.durationMs,
          stdout: result.stdout.text,
          stderr: result.stderr.text,
          ...(result.stdout.truncated || result.stderr.truncated ? { outputClipped: true } : {}),
          ...network,
        },
        summary: `${command.length > 120 ? `${command.slice(0, 120)}…` : command} ${describeEnd(result)} in ${seconds} s${tests}${refusedNote}`,
      };
    },
  };
}
