// propose_patch: commit the clone's changes on the task's branch and keep the patch as an
// artifact, with its diff stats. Nothing leaves the workspace; pushing is push_branch.
import { z } from "zod";
import { branchNameSchema, DEFAULT_BRANCH_PREFIX, pushRefusal } from "@/lib/code/branch-rules";
import { commitChanges, NothingToCommitError } from "@/lib/code/commit-changes";
import { ToolError, type ToolDefinition } from "../types";
import { baseBranchInput, branchRulesOrThrow, CLONE_FOLDER, sandboxOrThrow, type CodeToolsOptions } from "./code-tools-options";

const input = z.object({
  branch: branchNameSchema,
  baseBranch: baseBranchInput,
  message: z.string().trim().min(1).max(2000).describe("The commit message: a short first line, then why."),
});

export function createProposePatchTool(options: CodeToolsOptions): ToolDefinition<typeof input> {
  return {
    name: "propose_patch",
    description: `Commit every change in the clone (folder "${CLONE_FOLDER}") on a branch starting with the task's branch prefix (${options.branchPrefix ?? DEFAULT_BRANCH_PREFIX} unless the task names a longer one) and save the patch as an artifact. Returns the commit id and the diff stats; push it with push_branch.`,
    input,
    risk: () => "write",
    target: ({ branch }) => `${CLONE_FOLDER} on ${branch}`,
    idempotent: () => false,
    async run({ branch, baseBranch: asked, message }, context) {
      const rules = await branchRulesOrThrow(options, context, { baseBranch: asked });
      const { baseBranch } = rules;
      const refusal = pushRefusal(branch, rules);
      if (refusal) throw new ToolError(refusal);
      const sandbox = await sandboxOrThrow(options);
      try {
        const patch = await commitChanges(sandbox, { workspaceDir: context.workspaceDir, folder: CLONE_FOLDER, branch, baseBranch, message });
        const name = `${branch.replaceAll("/", "-")}.patch`;
        await context.saveArtifact({ name, kind: "patch", content: patch.patch });
        const { patch: _text, ...shown } = patch;
        return {
          output: { ...shown, artifact: name },
          summary: `Committed ${patch.commit.slice(0, 7)} on ${branch}: ${patch.files.length} file${patch.files.length === 1 ? "" : "s"}, +${patch.added} −${patch.removed}`,
        };
      } catch (error) {
        if (error instanceof NothingToCommitError) throw new ToolError(error.message);
        throw new ToolError(error instanceof Error ? error.message : String(error), { cause: error });
      }
    },
  };
}
