// Baton's own git commands (clone, fetch, push), outside the sandbox because they need the network
// and the token. None of them reads configuration a sandboxed command could have written: the
// environment starts empty, system and global config are off, and only clean repositories Baton
// made itself are pushed from (lib/code/push-commit.ts).
import { execFile } from "node:child_process";
import { redactSecrets } from "@/lib/redact";
import { configEnv } from "./git-auth";

export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "GitError";
  }
}

export interface GitOptions {
  cwd?: string;
  /** Config for this process only, e.g. the credentials (git-auth.ts). */
  config?: readonly (readonly [string, string])[];
  timeoutMs?: number;
  /** More environment for this process only, e.g. GIT_SSH_COMMAND (ssh-remote.ts). */
  env?: Readonly<Record<string, string>>;
}

const BASE_CONFIG: [string, string][] = [
  // Repositories in workspaces belong to the sandbox's uid; Baton reads them without running their hooks.
  ["safe.directory", "*"],
  ["core.hooksPath", "/dev/null"],
  ["protocol.ext.allow", "never"],
  ["credential.helper", ""],
];

export function runGit(args: readonly string[], options: GitOptions = {}): Promise<string> {
  // NODE_ENV only because Next's types require it of every ProcessEnv; git ignores it.
  const env = {
    NODE_ENV: process.env.NODE_ENV,
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: "/nonexistent",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    LANG: "C",
    ...configEnv([...BASE_CONFIG, ...(options.config ?? [])]),
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd: options.cwd, env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const shown = redactSecrets(stderr.trim() || error.message).slice(0, 2000);
      reject(new GitError(`git ${args[0]} failed: ${shown}`, shown));
    });
  });
}
