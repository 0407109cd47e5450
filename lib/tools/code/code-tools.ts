// The tools of a PR handoff, built together over one sandbox and one source of forge tokens.
import type { ToolDefinition } from "../types";
import { createCloneRepositoryTool } from "./clone-repository-tool";
import type { CodeToolsOptions } from "./code-tools-options";
import { createOpenPullRequestTool } from "./open-pull-request-tool";
import { createProposePatchTool } from "./propose-patch-tool";
import { createPushBranchTool } from "./push-branch-tool";
import { createReadIssueTool } from "./read-issue-tool";
import { createRunCommandTool } from "./run-command-tool";

export function codeTools(options: CodeToolsOptions): ToolDefinition[] {
  const tools = [
    createCloneRepositoryTool(options),
    createRunCommandTool({ sandbox: options.sandbox, taskRules: options.taskRules, remoteAddresses: options.remoteAddresses }),
    createProposePatchTool(options),
    createPushBranchTool(options),
    createOpenPullRequestTool(options),
    createReadIssueTool(options),
  ];
  return tools as unknown as ToolDefinition[];
}
