// propose_patch's work: commit what changed in the clone onto the task's branch, inside the
// sandbox (the repository's own hooks and config are the model's to shape, so they run confined),
// then read back the commit, its diff stats against the base branch and the patch.
import type { Sandbox, SandboxResult } from "@/lib/sandbox/run-sandboxed";
import { runSandboxed } from "@/lib/sandbox/run-sandboxed";

export const BATON_AUTHOR = { name: "Baton", email: "baton@localhost" };

export interface ChangedFile {
  path: string;
  /** null for a binary file. */
  added: number | null;
  removed: number | null;
}

export interface ProposedPatch {
  commit: string;
  branch: string;
  baseBranch: string;
  message: string;
  files: ChangedFile[];
  added: number;
  removed: number;
  /** The branch's commits since the base, as `git format-patch --stdout` writes them. */
  patch: string;
}

export class NothingToCommitError extends Error {
  constructor() {
    super("There are no changes to commit in the clone.");
    this.name = "NothingToCommitError";
  }
}

const MAX_PATCH_BYTES = 5 * 1024 * 1024;

async function gitInSandbox(sandbox: Sandbox, params: { workspaceDir: string; folder: string; script: string; env?: Record<string, string>; maxOutputBytes?: number }): Promise<SandboxResult> {
  return runSandboxed(sandbox, {
    workspaceDir: params.workspaceDir,
    cwd: params.folder,
    command: ["/bin/sh", "-c", params.script],
    env: params.env,
    limits: { wallTimeMs: 120_000, ...(params.maxOutputBytes ? { maxOutputBytes: params.maxOutputBytes } : {}) },
  });
}

function failed(what: string, result: SandboxResult): Error {
  return new Error(`${what} failed (exit ${result.exitCode ?? result.signal}): ${result.stderr.text.trim().slice(0, 1000)}`);
}

export function parseNumstat(text: string): ChangedFile[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [added = "-", removed = "-", ...rest] = line.split("\t");
      return { path: rest.join("\t"), added: added === "-" ? null : Number(added), removed: removed === "-" ? null : Number(removed) };
    });
}

export async function commitChanges(
  sandbox: Sandbox,
  params: { workspaceDir: string; folder: string; branch: string; baseBranch: string; message: string },
): Promise<ProposedPatch> {
  const { workspaceDir, folder } = params;
  const commit = await gitInSandbox(sandbox, {
    workspaceDir,
    folder,
    env: { BRANCH: params.branch, MESSAGE: params.message, GIT_AUTHOR_NAME: BATON_AUTHOR.name, GIT_AUTHOR_EMAIL: BATON_AUTHOR.email, GIT_COMMITTER_NAME: BATON_AUTHOR.name, GIT_COMMITTER_EMAIL: BATON_AUTHOR.email },
    script: [
      "set -e",
      'if [ "$(git rev-parse --abbrev-ref HEAD)" != "$BRANCH" ]; then git checkout -q -b "$BRANCH"; fi',
      "git add -A",
      "if git diff --cached --quiet; then exit 3; fi",
      'git commit -q --no-verify -m "$MESSAGE"',
    ].join("\n"),
  });
  if (commit.exitCode === 3) throw new NothingToCommitError();
  if (commit.exitCode !== 0) throw failed("git commit", commit);
  const base = `refs/remotes/origin/${params.baseBranch}`;
  const stats = await gitInSandbox(sandbox, { workspaceDir, folder, env: { BASE: base }, script: 'set -e\ngit rev-parse HEAD\ngit diff --numstat "$BASE"...HEAD' });
  if (stats.exitCode !== 0) throw failed("git diff", stats);
  const patch = await gitInSandbox(sandbox, { workspaceDir, folder, env: { BASE: base }, script: 'git format-patch --stdout "$BASE"..HEAD', maxOutputBytes: MAX_PATCH_BYTES });
  if (patch.exitCode !== 0) throw failed("git format-patch", patch);
  const [head = "", ...numstat] = stats.stdout.text.split("\n");
  const files = parseNumstat(numstat.join("\n"));
  return {
    commit: head.trim(),
    branch: params.branch,
    baseBranch: params.baseBranch,
    message: params.message,
    files,
    added: files.reduce((sum, file) => sum + (file.added ?? 0), 0),
    removed: files.reduce((sum, file) => sum + (file.removed ?? 0), 0),
    patch: patch.stdout.text,
  };
}
