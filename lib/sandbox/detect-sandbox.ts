// Whether commands can run isolated here, decided once at start by running one: a sandbox that
// does not start (bubblewrap missing, user namespaces disabled) is a clear refusal for every
// command, never a quiet fallback to running it unconfined.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { runSandboxed, type Sandbox } from "./run-sandboxed";

const execFileAsync = promisify(execFile);

export type SandboxStatus = { available: true; sandbox: Sandbox } | { available: false; reason: string };

export const INSTALL_HINT = "Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap) and allow unprivileged user namespaces.";

async function probe(bwrapPath: string): Promise<SandboxStatus> {
  let version: string;
  try {
    version = (await execFileAsync(bwrapPath, ["--version"])).stdout.trim();
  } catch {
    return { available: false, reason: `bubblewrap (${bwrapPath}) is not installed. ${INSTALL_HINT}` };
  }
  const sandbox: Sandbox = { bwrapPath, version, dropsRoot: process.getuid?.() === 0 };
  const workspaceDir = await mkdtemp(path.join(os.tmpdir(), "baton-sandbox-probe-"));
  try {
    const result = await runSandboxed(sandbox, { workspaceDir, command: ["/bin/sh", "-c", "echo ok > probe && cat probe"], limits: { wallTimeMs: 20_000 } });
    if (result.exitCode === 0 && result.stdout.text.trim() === "ok") return { available: true, sandbox };
    const why = (result.stderr.text.trim() || `exit code ${result.exitCode}`).slice(0, 300);
    return { available: false, reason: `bubblewrap is installed but a sandbox could not start: ${why}. ${INSTALL_HINT}` };
  } catch (error) {
    return { available: false, reason: `A sandbox could not start: ${error instanceof Error ? error.message : String(error)}. ${INSTALL_HINT}` };
  } finally {
    await rm(workspaceDir, { recursive: true, force: true });
  }
}

const detected = new Map<string, Promise<SandboxStatus>>();

/** Detected once per bwrap path for the life of the process. */
export function detectSandbox(options: { bwrapPath?: string } = {}): Promise<SandboxStatus> {
  const bwrapPath = options.bwrapPath ?? "bwrap";
  let status = detected.get(bwrapPath);
  if (!status) {
    status = probe(bwrapPath);
    detected.set(bwrapPath, status);
  }
  return status;
}
