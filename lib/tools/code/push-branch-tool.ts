// push_branch: the one approved commit to a branch with the prefix on the remote. External, so it
// asks by default. Safe to make again after a crash: a branch already at the commit is left alone.
import { z } from "zod";
import { branchNameSchema, DEFAULT_BRANCH_PREFIX } from "@/lib/code/branch-rules";
import { PushRefusedError, pushCommit } from "@/lib/code/push-commit";
import { repositoryUrlSchema } from "@/lib/code/repository-url";
import { GitError } from "@/lib/code/run-git";
import { ToolError, type ToolDefinition } from "../types";
import { baseBranchInput, branchRulesOrThrow, CLONE_FOLDER, credentialNameInput, remoteAccessOrThrow, remoteOrThrow, type CodeToolsOptions } from "./code-tools-options";

const input = z.object({
  repository: repositoryUrlSchema,
  branch: branchNameSchema,
  baseBranch: baseBranchInput,
  commit: z.string().regex(/^[0-9a-f]{40}$/, "Give the full commit id propose_patch returned.").describe("The commit id propose_patch returned."),
  credential: credentialNameInput,
});

export function createPushBranchTool(options: CodeToolsOptions): ToolDefinition<typeof input> {
  return {
    name: "push_branch",
    description: `Push a commit of the clone to a branch starting with the task's branch prefix (${options.branchPrefix ?? DEFAULT_BRANCH_PREFIX} unless the task names a longer one) on the task's repository (never the base branch, never forced).`,
    input,
    risk: () => "external",
    target: ({ repository, branch, commit }) => `${repository} ${branch} ← ${commit.slice(0, 12)}`,
    idempotent: () => true,
    async run({ repository, branch, baseBranch, commit, credential }, context) {
      // The prefix, base branch and repository are the task's own (its template inputs), not the model's to choose.
      const rules = await branchRulesOrThrow(options, context, { repository, baseBranch });
      const remote = await remoteOrThrow(options, repository);
      const access = await remoteAccessOrThrow(options, { userId: context.userId, name: credential, remote, url: repository });
      try {
        const pushed = await pushCommit({ workspaceDir: context.workspaceDir, folder: CLONE_FOLDER, remote, branch, commit, rules, credentials: access.token, sshIdentity: access.ssh });
        return { output: pushed, summary: `${pushed.alreadyThere ? "Already pushed" : "Pushed"} ${commit.slice(0, 7)} to ${branch}` };
      } catch (error) {
        if (error instanceof PushRefusedError || error instanceof GitError) throw new ToolError(error.message, { cause: error });
        throw error;
      }
    },
  };
}
