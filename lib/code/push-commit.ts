// push_branch's work. The clone in the workspace is the sandbox's to change, config and hooks
// included, so Baton never pushes from it: it fetches the one approved commit into a fresh bare
// repository of its own, checks it is that commit, and pushes from there to the remote it was
// given (not one read from disk), to a branch the rules allow, never forced.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pushRefusal, type BranchRules } from "./branch-rules";
import { withRemoteAccess, type GitCredentials } from "./git-auth";
import { remoteLocation, type RepositoryRemote } from "./repository-url";
import type { SshIdentity } from "./ssh-remote";
import { GitError, runGit } from "./run-git";

export class PushRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PushRefusedError";
  }
}

export interface PushedBranch {
  branch: string;
  commit: string;
  /** The remote already had the branch at this commit (an earlier attempt pushed it). */
  alreadyThere: boolean;
}

export async function pushCommit(params: {
  workspaceDir: string;
  folder: string;
  remote: RepositoryRemote;
  branch: string;
  commit: string;
  rules: BranchRules;
  credentials?: GitCredentials;
  /** For an ssh remote: the key and host key (from an SSH key credential). */
  sshIdentity?: SshIdentity;
}): Promise<PushedBranch> {
  const refusal = pushRefusal(params.branch, params.rules);
  if (refusal) throw new PushRefusedError(refusal);
  if (!/^[0-9a-f]{40}$/.test(params.commit)) throw new PushRefusedError(`"${params.commit}" is not a full commit id.`);
  const clean = await mkdtemp(path.join(os.tmpdir(), "baton-push-"));
  try {
    await runGit(["init", "--quiet", "--bare", "--template=", clean]);
    // git clears config from the environment for a local upload-pack: the clone (the sandbox uid's) is trusted on its command line.
    await runGit(["fetch", "--quiet", "--no-tags", "--upload-pack=git -c 'safe.directory=*' upload-pack", "--", path.join(params.workspaceDir, params.folder), params.commit], { cwd: clean });
    const type = (await runGit(["cat-file", "-t", params.commit], { cwd: clean })).trim();
    if (type !== "commit") throw new PushRefusedError(`${params.commit} is not a commit of the clone.`);
    const access = { token: params.credentials, ssh: params.sshIdentity };
    const location = remoteLocation(params.remote);
    const ref = `refs/heads/${params.branch}`;
    const before = (await withRemoteAccess(params.remote, access, ({ config, env }) => runGit(["ls-remote", "--", location, ref], { cwd: clean, config, env }))).split("\t")[0]?.trim() ?? "";
    if (before === params.commit) return { branch: params.branch, commit: params.commit, alreadyThere: true };
    try {
      // No "+" and no --force: a branch that moved elsewhere is rejected by the remote, never overwritten.
      await withRemoteAccess(params.remote, access, ({ config, env }) => runGit(["push", "--quiet", "--no-verify", "--", location, `${params.commit}:${ref}`], { cwd: clean, config, env, timeoutMs: 300_000 }));
    } catch (error) {
      if (error instanceof GitError && /non-fast-forward|fetch first|rejected/.test(error.stderr)) {
        throw new PushRefusedError(`The remote's ${params.branch} has commits this one does not build on; a force push is refused.`);
      }
      throw error;
    }
    return { branch: params.branch, commit: params.commit, alreadyThere: false };
  } finally {
    await rm(clean, { recursive: true, force: true });
  }
}
