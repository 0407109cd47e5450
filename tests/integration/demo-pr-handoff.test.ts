// The demo model's PR handoff with the real code tools, the real sandbox and the demo remote made
// from the shipped fixture: clone, the tests fail, the fix, the tests pass, the patch, the push
// (approved here; denied, nothing leaves), and an answer that says the local remote has no forge
// for a pull request. The pushed branch's tests are run again outside Baton.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationItem } from "@/lib/agent/providers/conversation";
import { demoScript } from "@/lib/agent/scripted-model/demo-script";
import { prHandoffInput, prHandoffPrompt } from "@/lib/code/pr-handoff-template";
import { demoSources } from "@/lib/demo/demo-origin";
import { demoRepositoriesDir, ensureDemoRepository } from "@/lib/demo/demo-repository";
import { detectSandbox } from "@/lib/sandbox/detect-sandbox";
import { codeTools } from "@/lib/tools/code/code-tools";
import { builtinTools } from "@/lib/tools/registry";
import { ToolError, type ToolDefinition } from "@/lib/tools/types";
import { testToolContext } from "../support/tool-context";

let dataDir: string;
let remote: string;
let tools: ToolDefinition[];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "baton-demo-handoff-"));
  remote = await ensureDemoRepository(dataDir);
  // Made once: a second call finds it.
  expect(await ensureDemoRepository(dataDir)).toBe(remote);
  const code = codeTools({ sandbox: () => detectSandbox(), credentialsFor: async () => ({ username: "x", token: "unused" }), localRepositories: [demoRepositoriesDir(dataDir)], remoteAddresses: { allowlist: [] } });
  tools = [...builtinTools(), ...code];
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function handoff(taskId: string, decide: "approve" | "deny") {
  const script = demoScript({ sources: demoSources("http://127.0.0.1:1"), timeZone: "UTC" });
  const context = testToolContext({ workspaceDir: path.join(dataDir, "workspaces", taskId) });
  const prompt = prHandoffPrompt(prHandoffInput.parse({ repository: remote, issue: "An empty cart's total throws instead of being 0." }));
  const conversation: ConversationItem[] = [{ type: "user", text: prompt }];
  const asked: string[] = [];
  for (let turn = 1; turn <= 12; turn++) {
    // Offered as on a task that is not plan-first (propose_plan is offered only to those).
    const offered = tools.map((tool) => tool.name).filter((name) => name !== "propose_plan");
    const reply = script({ input: structuredClone(conversation), tools: offered, instructions: "" });
    const calls = (reply.toolCalls ?? []).map((call, index) => ({ id: `call-${turn}-${index}`, name: call.name, arguments: call.arguments }));
    if (calls.length === 0) return { answer: reply.text ?? "", asked, artifacts: context.artifacts, calls: conversation.flatMap((item) => (item.type === "assistant" ? item.toolCalls.map((c) => c.name) : [])) };
    conversation.push({ type: "assistant", text: reply.text ?? "", toolCalls: calls });
    for (const call of calls) {
      const tool = tools.find((candidate) => candidate.name === call.name)!;
      const args = tool.input.parse(call.arguments);
      const asks = tool.risk(args) === "external";
      if (asks) asked.push(tool.name);
      const result =
        asks && decide === "deny"
          ? { ok: false, output: `The person denied this ${tool.name} call. Do not repeat it; continue without it or explain.` }
          : await tool.run(args, { ...context, idempotencyKey: call.id }).then(
              (done) => ({ ok: true, output: JSON.stringify(done.output) }),
              (error: unknown) => ({ ok: false, output: error instanceof ToolError ? error.message : String(error) }),
            );
      conversation.push({ type: "tool_result", callId: call.id, toolName: call.name, output: result.ok ? result.output : `Error: ${result.output}`, isError: false });
    }
  }
  throw new Error("The demo handoff did not answer within twelve turns.");
}

const branches = () => execFileSync("git", ["for-each-ref", "--format=%(refname:short)", "refs/heads"], { cwd: remote, encoding: "utf8" }).trim().split("\n");

describe("the demo model's PR handoff", () => {
  it("denied, nothing leaves: the patch stays local and the remote has only main", async () => {
    const run = await handoff("denied", "deny");
    expect(run.asked).toEqual(["push_branch"]);
    expect(run.answer).toMatch(/push_branch did not go through: .*denied/);
    expect(branches()).toEqual(["main"]);
  });

  it("approved, it pushes the fix to the demo remote and says the pull request needs a forge", async () => {
    const run = await handoff("approved", "approve");
    expect(run.calls).toEqual(["clone_repository", "run_command", "read_file", "write_file", "run_command", "propose_patch", "push_branch"]);
    expect(run.artifacts.get("test-results-before.md")).toContain("0 passed, 2 failed");
    expect(run.artifacts.get("test-results-after.md")).toContain("2 passed, 0 failed");
    expect([...run.artifacts.keys()]).toContain("baton-fix-empty-cart.patch");
    expect(run.answer).toMatch(/Pushed [0-9a-f]{7} to baton\/fix-empty-cart/);
    expect(run.answer).toMatch(/no forge behind it, so there is no pull request/);
    expect(branches().sort()).toEqual(["baton/fix-empty-cart", "main"]);

    // Outside Baton: the pushed branch's tests pass, main's still fail.
    const check = await mkdtemp(path.join(os.tmpdir(), "baton-demo-check-"));
    try {
      execFileSync("git", ["clone", "--quiet", "--branch", "baton/fix-empty-cart", remote, check], { stdio: "pipe" });
      expect(() => execFileSync("node", ["--test"], { cwd: check, stdio: "pipe" })).not.toThrow();
    } finally {
      await rm(check, { recursive: true, force: true });
    }
  });
});
