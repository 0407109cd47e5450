// clone_repository: the task's code workspace, a clone of the base branch in the folder "repo".
import path from "node:path";
import { z } from "zod";
import { cloneRepository } from "@/lib/code/clone-repository";
import { detectTestCommand } from "@/lib/code/detect-test-command";
import { GitError } from "@/lib/code/run-git";
import { repositoryUrlSchema } from "@/lib/code/repository-url";
import { ToolError, type ToolDefinition } from "../types";
import { baseBranchInput, branchRulesOrThrow, CLONE_FOLDER, credentialNameInput, remoteAccessOrThrow, remoteOrThrow, type CodeToolsOptions } from "./code-tools-options";

const input = z.object({
  repository: repositoryUrlSchema,
  baseBranch: baseBranchInput.describe('The branch to start from and open the pull request against (default: the task\'s, else "main").'),
  credential: credentialNameInput,
});

export function createCloneRepositoryTool(options: CodeToolsOptions): ToolDefinition<typeof input> {
  return {
    name: "clone_repository",
    description: `Clone a git repository's base branch into the task workspace, in the folder "${CLONE_FOLDER}". Cloning again keeps the existing clone. Returns the test command the repository documents (AGENTS.md, package.json, Makefile), if any.`,
    input,
    risk: () => "read",
    target: ({ repository, baseBranch }) => `${repository} (${baseBranch ?? "base branch"})`,
    idempotent: () => true,
    async run({ repository, baseBranch: asked, credential }, context) {
      // A task made from the template clones only its own repository and base branch.
      const { baseBranch } = await branchRulesOrThrow(options, context, { repository, baseBranch: asked });
      const remote = await remoteOrThrow(options, repository);
      const access = await remoteAccessOrThrow(options, { userId: context.userId, name: credential, remote, url: repository });
      try {
        const clone = await cloneRepository({ workspaceDir: context.workspaceDir, folder: CLONE_FOLDER, remote, baseBranch, credentials: access.token, sshIdentity: access.ssh });
        // The repository's own test command, for a task that was not given one.
        const testCommand = await detectTestCommand(path.join(context.workspaceDir, CLONE_FOLDER));
        const tests = testCommand ? `; its tests run with ${testCommand.command} (from ${testCommand.source})` : "; it documents no test command";
        return {
          output: { ...clone, testCommand },
          summary: `${clone.existed ? "Kept the clone of" : "Cloned"} ${repository} (${baseBranch} at ${clone.head.slice(0, 7)}) in ${CLONE_FOLDER}/${tests}`,
        };
      } catch (error) {
        if (error instanceof GitError) throw new ToolError(error.message, { cause: error });
        throw error;
      }
    },
  };
}
