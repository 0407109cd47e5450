// Runs one command in the sandbox and waits for it, within the limits: the wall time kills the
// whole process group (and with bwrap's pid namespace, every process the command started, even
// one that left the group), and whatever the command leaves running when it exits dies with the
// namespace. Output is kept within a budget.
import { spawn } from "node:child_process";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { ClippedOutput } from "./clipped-output";
import { SANDBOX_WORKSPACE, WORKSPACE_FD, sandboxCommand } from "./sandbox-command";
import { DEFAULT_SANDBOX_LIMITS, sandboxLimitsSchema, type SandboxLimits } from "./sandbox-limits";

const execFileAsync = promisify(execFile);

/** A sandbox found working at start (detectSandbox). */
export interface Sandbox {
  bwrapPath: string;
  version: string;
  /** Baton runs as root: commands run as an unprivileged uid of their own, derived from the workspace. */
  dropsRoot: boolean;
}

export interface SandboxRun {
  workspaceDir: string;
  /** The argument vector; run a shell line as ["/bin/sh", "-c", line]. */
  command: readonly string[];
  /** A folder relative to the workspace to start in ("." by default). */
  cwd?: string;
  /** Off by default: the sandbox has only its own loopback interface. */
  network?: boolean;
  /** Package registries only: the proxy (registry-proxy.ts) its commands reach through a forwarder. */
  registryProxy?: { socketPath: string };
  limits?: Partial<SandboxLimits>;
  /** Added to the clean environment (never Baton's own). */
  env?: Readonly<Record<string, string>>;
}

export interface SandboxedOutput {
  text: string;
  totalBytes: number;
  truncated: boolean;
}

export interface SandboxResult {
  /** null when a signal ended it. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The wall time ran out and the process tree was killed. */
  timedOut: boolean;
  durationMs: number;
  stdout: SandboxedOutput;
  stderr: SandboxedOutput;
}

/** First uid of the range the sandboxed commands of a root Baton run as, one per workspace. */
const SANDBOX_UID_BASE = 200_000;
const SANDBOX_UID_COUNT = 50_000;

/** A uid no real account has, stable for one workspace: tasks do not share a process budget. */
export function sandboxUidFor(workspaceDir: string): number {
  const digest = createHash("sha256").update(path.resolve(workspaceDir)).digest();
  return SANDBOX_UID_BASE + (digest.readUInt32BE(0) % SANDBOX_UID_COUNT);
}

/** The Node binary the forwarder runs on: Baton's own, when the sandbox sees it (it sees only /usr). */
function sandboxNodePath(): string {
  const node = process.execPath;
  if (!node.startsWith("/usr/")) throw new Error(`Package registries need a Node the sandbox can see under /usr; this one is ${node}.`);
  return node;
}

/** Refuses a cwd that is absolute or climbs out; the sandbox could not reach outside anyway. */
function insideCwd(cwd: string | undefined): string {
  const relative = path.posix.normalize(cwd ?? ".");
  if (path.posix.isAbsolute(relative) || relative === ".." || relative.startsWith("../")) {
    throw new Error(`The folder "${cwd}" is not inside the task workspace.`);
  }
  return path.posix.join(SANDBOX_WORKSPACE, relative);
}

export async function runSandboxed(sandbox: Sandbox, run: SandboxRun): Promise<SandboxResult> {
  const limits = sandboxLimitsSchema.parse({ ...DEFAULT_SANDBOX_LIMITS, ...run.limits });
  const cwd = insideCwd(run.cwd);
  await mkdir(run.workspaceDir, { recursive: true });
  const runAsUid = sandbox.dropsRoot ? sandboxUidFor(run.workspaceDir) : null;
  // The sandbox's user must own what it may change; -h changes symlinks themselves, never their targets.
  if (runAsUid !== null) await execFileAsync("chown", ["-R", "-h", `${runAsUid}:${runAsUid}`, run.workspaceDir]);
  const registryProxy = run.registryProxy ? { socketPath: run.registryProxy.socketPath, nodePath: sandboxNodePath() } : undefined;
  const argv = sandboxCommand({ bwrapPath: sandbox.bwrapPath, runAsUid, limits, network: run.network ?? false, registryProxy, cwd, command: run.command, env: run.env ?? {} });
  const workspace = await open(run.workspaceDir, constants.O_RDONLY | constants.O_DIRECTORY);
  const stdout = new ClippedOutput(limits.maxOutputBytes);
  const stderr = new ClippedOutput(limits.maxOutputBytes);
  const started = performance.now();
  try {
    return await new Promise<SandboxResult>((resolve, reject) => {
      const stdio: ("ignore" | "pipe" | number)[] = ["ignore", "pipe", "pipe"];
      stdio[WORKSPACE_FD] = workspace.fd;
      // Its own process group, so the wall time can kill the launcher chain at once. The
      // launchers get only PATH: bwrap then clears the environment for the command.
      const child = spawn(argv[0]!, argv.slice(1), { stdio, detached: true, env: { NODE_ENV: process.env.NODE_ENV, PATH: process.env.PATH ?? "/usr/bin:/bin" } });
      let timedOut = false;
      const killTree = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killTree();
      }, limits.wallTimeMs);
      child.stdout!.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk));
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("close", (exitCode, signal) => {
        clearTimeout(timer);
        killTree();
        const shown = (output: ClippedOutput) => ({ text: output.text(), totalBytes: output.totalBytes, truncated: output.truncated });
        resolve({ exitCode, signal, timedOut, durationMs: Math.round(performance.now() - started), stdout: shown(stdout), stderr: shown(stderr) });
      });
    });
  } finally {
    await workspace.close();
  }
}
