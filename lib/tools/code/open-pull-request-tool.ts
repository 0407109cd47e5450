// open_pull_request: a draft pull request on GitHub for a pushed branch. External, so it asks by
// default; made again after a crash it finds the pull request the first attempt opened.
import { z } from "zod";
import { branchNameSchema, pushRefusal } from "@/lib/code/branch-rules";
import { checkForgeAddress } from "@/lib/code/remote-address";
import { repositoryUrlSchema } from "@/lib/code/repository-url";
import { githubClient, githubRepositoryOf, openDraftPullRequest } from "@/lib/forge/github-forge";
import { redactSecrets } from "@/lib/redact";
import { ToolError, type ToolDefinition } from "../types";
import { baseBranchInput, branchRulesOrThrow, credentialNameInput, credentialsOrThrow, type CodeToolsOptions } from "./code-tools-options";

const input = z.object({
  repository: repositoryUrlSchema,
  branch: branchNameSchema,
  baseBranch: baseBranchInput,
  title: z.string().trim().min(1).max(256),
  body: z.string().max(20_000).describe("Links the issue and sums up the change and the test results."),
  credential: credentialNameInput,
});

export function createOpenPullRequestTool(options: CodeToolsOptions): ToolDefinition<typeof input> {
  return {
    name: "open_pull_request",
    description: "Open a draft pull request on GitHub from a pushed branch into the base branch. Returns its URL.",
    input,
    risk: () => "external",
    target: ({ repository, branch, baseBranch, title }) => `${repository}: ${branch} → ${baseBranch ?? "base branch"} "${title}" (draft)`,
    idempotent: () => true,
    async run({ repository, branch, baseBranch: asked, title, body, credential }, context) {
      const rules = await branchRulesOrThrow(options, context, { repository, baseBranch: asked });
      const { baseBranch } = rules;
      const refusal = pushRefusal(branch, rules);
      if (refusal) throw new ToolError(refusal);
      const github = githubRepositoryOf(repository);
      if (!github) throw new ToolError(`${repository} is not a GitHub repository URL (https://host/owner/name).`);
      await checkForgeAddress(github.apiUrl, options.remoteAddresses);
      const credentials = await credentialsOrThrow(options, { userId: context.userId, name: credential, url: github.apiUrl });
      const client = githubClient({ apiUrl: github.apiUrl, token: credentials?.token });
      try {
        const pull = await openDraftPullRequest(client, { owner: github.owner, repo: github.repo, head: branch, base: baseBranch, title, body });
        return { output: pull, summary: `${pull.existed ? "Found" : "Opened"} draft pull request #${pull.number}: ${pull.url}` };
      } catch (error) {
        const status = error && typeof error === "object" && "status" in error ? ` (${String(error.status)})` : "";
        throw new ToolError(redactSecrets(`GitHub refused the pull request${status}: ${error instanceof Error ? error.message : String(error)}`), { cause: error });
      }
    },
  };
}
