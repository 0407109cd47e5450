// A task's code workspace: a git clone inside the task's workspace folder, made by Baton (outside
// the sandbox, for the network and the token) with no hooks and no templates. What is stored on
// disk is the clean URL: the token went to this one git process through its environment.
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { withRemoteAccess, type GitCredentials } from "./git-auth";
import type { SshIdentity } from "./ssh-remote";
import { remoteLocation, type RepositoryRemote } from "./repository-url";
import { runGit } from "./run-git";

export interface CloneResult {
  /** The clone's folder, relative to the workspace. */
  folder: string;
  baseBranch: string;
  /** The base branch's commit. */
  head: string;
  /** It was there already (a follow-up run of the same task). */
  existed: boolean;
}

async function exists(target: string): Promise<boolean> {
  return stat(target).then(
    () => true,
    () => false,
  );
}

export async function cloneRepository(params: {
  workspaceDir: string;
  folder: string;
  remote: RepositoryRemote;
  baseBranch: string;
  credentials?: GitCredentials;
  /** For an ssh remote: the key and host key (from an SSH key credential). */
  sshIdentity?: SshIdentity;
}): Promise<CloneResult> {
  const target = path.join(params.workspaceDir, params.folder);
  if (await exists(path.join(target, ".git"))) {
    const head = (await runGit(["rev-parse", `refs/remotes/origin/${params.baseBranch}`], { cwd: target })).trim();
    return { folder: params.folder, baseBranch: params.baseBranch, head, existed: true };
  }
  await mkdir(params.workspaceDir, { recursive: true });
  await withRemoteAccess(params.remote, { token: params.credentials, ssh: params.sshIdentity }, ({ config, env }) =>
    runGit(["clone", "--quiet", "--template=", "--no-tags", "--single-branch", "--branch", params.baseBranch, "--", remoteLocation(params.remote), target], {
      config,
      env,
      timeoutMs: 300_000,
    }),
  );
  const head = (await runGit(["rev-parse", "HEAD"], { cwd: target })).trim();
  return { folder: params.folder, baseBranch: params.baseBranch, head, existed: false };
}
