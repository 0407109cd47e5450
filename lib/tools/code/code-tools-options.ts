// What the code tools share: the sandbox, where a forge token comes from, and the branch rules.
// The model names a stored credential; the runtime resolves it for one git or API call, only for
// one of the credential's own origins, so the model never sees the token.
import { resolveCredential } from "@/lib/credentials/resolve-credential";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { GitCredentials } from "@/lib/code/git-auth";
import { parseRepositoryRemote, type RepositoryRemote } from "@/lib/code/repository-url";
import type { SandboxStatus } from "@/lib/sandbox/detect-sandbox";
import { z } from "zod";
import { ToolError } from "../types";

/** The clone's folder inside the task workspace. */
export const CLONE_FOLDER = "repo";

export type CredentialsFor = (params: { userId: string; name: string; url: string }) => Promise<GitCredentials>;

export interface CodeToolsOptions {
  sandbox: () => Promise<SandboxStatus>;
  credentialsFor: CredentialsFor;
  /** Branches the tools may push to start with this (default "baton/"). */
  branchPrefix?: string;
}

/** A stored credential (the Credentials page): its user name and its password, the token. */
export function credentialsFromStore(db: Db): CredentialsFor {
  return async ({ userId, name, url }) => {
    const credential = await resolveCredential(db, { userId, name, origin: url });
    return { username: credential.username || "x-access-token", token: credential.password };
  };
}

export const credentialNameInput = z
  .string()
  .min(1)
  .max(60)
  .optional()
  .describe("The name of the stored credential holding the forge token (e.g. \"github\"); you never see the token. Omit for a public or local repository.");

export function remoteOrThrow(text: string): RepositoryRemote {
  const parsed = parseRepositoryRemote(text);
  if (!parsed.ok) throw new ToolError(parsed.problem);
  return parsed.remote;
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

export async function sandboxOrThrow(options: CodeToolsOptions) {
  const status = await options.sandbox();
  if (!status.available) throw new ToolError(`Commands cannot run here: ${status.reason}`);
  return status.sandbox;
}
