// clone_repository: the task's code workspace, a clone of the base branch in the folder "repo".
import { z } from "zod";
import { cloneRepository } from "@/lib/code/clone-repository";
import { branchNameSchema } from "@/lib/code/branch-rules";
import { GitError } from "@/lib/code/run-git";
import { repositoryUrlSchema } from "@/lib/code/repository-url";
import { ToolError, type ToolDefinition } from "../types";
import { CLONE_FOLDER, credentialNameInput, credentialsOrThrow, remoteOrThrow, type CodeToolsOptions } from "./code-tools-options";

const input = z.object({
  repository: repositoryUrlSchema,
  baseBranch: branchNameSchema.default("main").describe('The branch to start from and open the pull request against (default "main").'),
  credential: credentialNameInput,
});

export function createCloneRepositoryTool(options: CodeToolsOptions): ToolDefinition<typeof input> {
  return {
    name: "clone_repository",
    description: `Clone a git repository's base branch into the task workspace, in the folder "${CLONE_FOLDER}". Cloning again keeps the existing clone.`,
    input,
    risk: () => "read",
    target: ({ repository, baseBranch }) => `${repository} (${baseBranch})`,
    idempotent: () => true,
    async run({ repository, baseBranch, credential }, context) {
      const remote = await remoteOrThrow(options, repository);
      const credentials = await credentialsOrThrow(options, { userId: context.userId, name: credential, url: repository });
      try {
        const clone = await cloneRepository({ workspaceDir: context.workspaceDir, folder: CLONE_FOLDER, remote, baseBranch, credentials });
        return {
          output: clone,
          summary: `${clone.existed ? "Kept the clone of" : "Cloned"} ${repository} (${baseBranch} at ${clone.head.slice(0, 7)}) in ${CLONE_FOLDER}/`,
        };
      } catch (error) {
        if (error instanceof GitError) throw new ToolError(error.message, { cause: error });
        throw error;
      }
    },
  };
}
