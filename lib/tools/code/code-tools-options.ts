// What the code tools share: the sandbox, where a forge token comes from, and the branch rules.
// The model names a stored credential; the runtime resolves it for one git or API call, only for
// one of the credential's own origins, so the model never sees the token.
import path from "node:path";
import { resolveCredential, resolveSshKey } from "@/lib/credentials/resolve-credential";
import { sshSite } from "@/lib/credentials/ssh-key";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { GitCredentials, RemoteAccess } from "@/lib/code/git-auth";
import type { SshIdentity } from "@/lib/code/ssh-remote";
import { checkRemoteAddress, type RemoteAddressRules } from "@/lib/code/remote-address";
import { parseRepositoryRemote, type RepositoryRemote } from "@/lib/code/repository-url";
import { branchRulesFor, type TaskCodeRules } from "@/lib/code/task-code-rules";
import { branchNameSchema, type BranchRules } from "@/lib/code/branch-rules";
import type { SandboxStatus } from "@/lib/sandbox/detect-sandbox";
import { z } from "zod";
import { ToolError, type ToolContext } from "../types";

/** The clone's folder inside the task workspace. */
export const CLONE_FOLDER = "repo";

export type CredentialsFor = (params: { userId: string; name: string; url: string }) => Promise<GitCredentials>;

/** The user's SSH key credential for the site ("ssh://host:port"), the named one when a name is given. */
export type SshKeyFor = (params: { userId: string; name?: string; site: string }) => Promise<SshIdentity>;

export interface CodeToolsOptions {
  sandbox: () => Promise<SandboxStatus>;
  credentialsFor: CredentialsFor;
  /** For ssh remotes; without it an ssh remote is refused. */
  sshKeyFor?: SshKeyFor;
  /** Branches the tools may push to start with this (default "baton/") on a task without rules of its own. */
  branchPrefix?: string;
  /** The task's own rules (lib/code/task-code-rules.ts), from its template inputs; none: the defaults. */
  taskRules?: (params: { taskId: string; userId: string }) => Promise<TaskCodeRules | null>;
  /** Folders whose repositories may be cloned by path (BATON_LOCAL_REPOSITORIES); none by default. */
  localRepositories?: readonly string[];
  /** git's connections and the forge API follow the http tool's SSRF rule; this is its allowlist (BATON_HTTP_ALLOWLIST). */
  remoteAddresses: RemoteAddressRules;
}

/** A stored credential (the Credentials page): its user name and its password, the token. */
export function credentialsFromStore(db: Db): CredentialsFor {
  return async ({ userId, name, url }) => {
    const credential = await resolveCredential(db, { userId, name, origin: url });
    return { username: credential.username || "x-access-token", token: credential.password };
  };
}

/** An SSH key credential (the Credentials page): the private key and the host key ssh must see. */
export function sshKeyFromStore(db: Db): SshKeyFor {
  return async (params) => resolveSshKey(db, params);
}

export const credentialNameInput = z
  .string()
  .min(1)
  .max(60)
  .optional()
  .describe("The name of the stored credential holding the forge token (e.g. \"github\"); you never see the token. Omit for a public or local repository, or for an SSH remote (your SSH key credential for its host is used).");

/**
 * The remote a tool may use. A path is a repository on Baton's own machine, read by git outside the
 * sandbox, so only the folders the admin named are open: the model cannot clone its way into any
 * other repository (Baton's own included).
 */
export async function remoteOrThrow(options: CodeToolsOptions, text: string): Promise<RepositoryRemote> {
  const parsed = parseRepositoryRemote(text);
  if (!parsed.ok) throw new ToolError(parsed.problem);
  const { remote } = parsed;
  if (remote.kind === "local" && !(options.localRepositories ?? []).some((folder) => isInside(remote.path, folder))) {
    throw new ToolError(`${remote.path} is not in a folder opened to the agent; the admin lists those in BATON_LOCAL_REPOSITORIES.`);
  }
  return checkRemoteAddress(remote, options.remoteAddresses);
}

function isInside(target: string, folder: string): boolean {
  const relative = path.relative(path.resolve(folder), target);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

export async function credentialsOrThrow(options: CodeToolsOptions, params: { userId: string; name: string | undefined; url: string }): Promise<GitCredentials | undefined> {
  if (!params.name) return undefined;
  try {
    return await options.credentialsFor({ userId: params.userId, name: params.name, url: params.url });
  } catch (error) {
    if (error instanceof AppError) throw new ToolError(error.message, { cause: error });
    throw error;
  }
}

/** The token for an https remote, or the SSH key for an ssh one (which always needs one). */
export async function remoteAccessOrThrow(options: CodeToolsOptions, params: { userId: string; name: string | undefined; remote: RepositoryRemote; url: string }): Promise<RemoteAccess> {
  if (params.remote.kind !== "ssh") return { token: await credentialsOrThrow(options, params) };
  const site = sshSite(params.remote.ssh.host, params.remote.ssh.port);
  if (!options.sshKeyFor) throw new ToolError(`SSH remotes are not available here; use the https URL of ${params.remote.ssh.host}.`);
  try {
    return { ssh: await options.sshKeyFor({ userId: params.userId, name: params.name, site }) };
  } catch (error) {
    if (error instanceof AppError) throw new ToolError(error.message, { cause: error });
    throw error;
  }
}

export async function sandboxOrThrow(options: CodeToolsOptions) {
  const status = await options.sandbox();
  if (!status.available) throw new ToolError(`Commands cannot run here: ${status.reason}`);
  return status.sandbox;
}

/** The branch rules this call is held to; a repository or base branch other than the task's is refused. */
export async function branchRulesOrThrow(
  options: CodeToolsOptions,
  context: Pick<ToolContext, "taskId" | "userId">,
  asked: { repository?: string; baseBranch?: string },
): Promise<BranchRules> {
  const task = (await options.taskRules?.({ taskId: context.taskId, userId: context.userId })) ?? null;
  const checked = branchRulesFor(task, asked, options.branchPrefix);
  if (!checked.ok) throw new ToolError(checked.problem);
  return checked.rules;
}

export const baseBranchInput = branchNameSchema.optional().describe("The base branch (default: the task's, else \"main\").");
