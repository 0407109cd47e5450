// The PR handoff tools as the agent calls them, on the fixture repository in a fake GitHub:
// clone, run the failing test, fix it, propose the patch (an artifact), push, open a draft pull
// request; and the refusals: the base branch, a branch without the prefix, a token for another site.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AppError } from "@/lib/errors";
import { detectSandbox } from "@/lib/sandbox/detect-sandbox";
import { codeTools } from "@/lib/tools/code/code-tools";
import type { CredentialsFor } from "@/lib/tools/code/code-tools-options";
import { writeFileTool } from "@/lib/tools/workspace/write-file";
import type { ToolDefinition } from "@/lib/tools/types";
import { startFakeGithub, type FakeGithub } from "../fakes/fake-github";
import { createBareFixtureRepository } from "../support/fixture-repository";
import { testToolContext } from "../support/tool-context";

const token = `ghp_${randomBytes(18).toString("hex")}`;
let root: string;
let forge: FakeGithub;
let tools: ToolDefinition[];

// Stands in for the secret store (lib/credentials, covered by its own tests): a credential "github" bound to the forge's origin.
const credentialsFor: CredentialsFor = async ({ name, url }) => {
  if (name !== "github") throw new AppError("NOT_FOUND", { message: `There is no credential named "${name}".` });
  if (new URL(url).origin !== forge.url) throw new AppError("FORBIDDEN", { message: `The credential "github" is not for ${new URL(url).origin}.` });
  return { username: "x-access-token", token };
};

// elsewhere.example stands for a public forge: its name resolves to a public address, never real DNS.
const publicDns = async (hostname: string) => {
  if (hostname !== "elsewhere.example") throw new Error(`ENOTFOUND ${hostname}`);
  return [{ address: "93.184.216.34", family: 4 as const }];
};

function tool(name: string): ToolDefinition {
  const found = tools.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "baton-code-tools-"));
  forge = await startFakeGithub({ root: path.join(root, "forge"), token });
  await mkdir(path.join(root, "forge", "acme"), { recursive: true });
  await createBareFixtureRepository(forge.repositoryPath("acme", "widgets"));
  tools = codeTools({ sandbox: () => detectSandbox(), credentialsFor, localRepositories: [path.join(root, "forge")], remoteAddresses: { allowlist: [new URL(forge.url).host], lookup: publicDns } });
});

afterAll(async () => {
  await forge.close();
  await rm(root, { recursive: true, force: true });
});

describe("the PR handoff tools", () => {
  test("a repository on this machine is cloned by path only from a folder the admin opened, never Baton's own", async () => {
    const context = testToolContext({ workspaceDir: path.join(root, "data", "workspaces", "task-local") });
    const call = async (name: string, args: unknown) => tool(name).run(tool(name).input.parse(args), context);
    await expect(call("clone_repository", { repository: process.cwd() })).rejects.toThrow(/not in a folder opened to the agent.*BATON_LOCAL_REPOSITORIES/);
    await expect(call("clone_repository", { repository: `${path.join(root, "forge")}/../data` })).rejects.toThrow(/not in a folder opened/);
    await call("clone_repository", { repository: forge.repositoryPath("acme", "widgets") });
    expect(await readFile(path.join(context.workspaceDir, "repo", "src", "cart.js"), "utf8")).toContain("line.quantity");
  });

  test("from a failing test to a draft pull request", async () => {
    const context = testToolContext({ workspaceDir: path.join(root, "data", "workspaces", "task-1") });
    const repository = forge.cloneUrl("acme", "widgets");
    const call = async (name: string, args: unknown) => tool(name).run(tool(name).input.parse(args), context);

    expect(tool("push_branch").risk({})).toBe("external");
    expect(tool("open_pull_request").risk({})).toBe("external");
    expect(tool("run_command").risk({})).toBe("write");

    const cloned = await call("clone_repository", { repository, credential: "github" });
    expect(cloned.summary).toMatch(/its tests run with npm test \(from AGENTS\.md\)$/);
    const failing = await call("run_command", { command: "npm test", cwd: "repo", testResults: "before" });
    expect(failing.output).toMatchObject({ exitCode: 1 });
    expect(failing.summary).toMatch(/^npm test exited 1 in [\d.]+ s: 0 passed, 2 failed \(test-results-before\.md\)$/);
    const before = context.artifacts.get("test-results-before.md")!;
    expect(before).toContain("The tests fail (exit code 1): **0 passed, 2 failed**");
    expect(before).toMatch(/## Failing tests\n\n- .+\n- .+/);
    expect(before).toContain("Reduce of empty array with no initial value");

    const source = await readFile(path.join(context.workspaceDir, "repo", "src", "cart.js"), "utf8");
    await writeFileTool.run({ path: "repo/src/cart.js", content: source.replace("line.quantity);", "line.quantity, 0);") }, context);
    const passing = await call("run_command", { command: "npm test", cwd: "repo", testResults: "after" });
    expect(passing.output).toMatchObject({ exitCode: 0 });
    expect(context.artifacts.get("test-results-after.md")).toContain("The tests pass: **2 passed, 0 failed**");
    expect(context.artifacts.get("test-results-after.md")).not.toContain("## Failing tests");

    await expect(call("propose_patch", { branch: "main", message: "x" })).rejects.toThrow(/base branch/);
    const proposed = await call("propose_patch", { branch: "baton/fix-empty-cart", message: "Start an empty cart's total at 0" });
    const patch = proposed.output as { commit: string; files: unknown[]; artifact: string };
    expect(patch.files).toEqual([{ path: "src/cart.js", added: 1, removed: 1 }]);
    expect(context.artifacts.get("baton-fix-empty-cart.patch")).toContain("line.quantity, 0);");

    await expect(call("push_branch", { repository, branch: "main", commit: patch.commit, credential: "github" })).rejects.toThrow(/base branch/);
    await expect(call("push_branch", { repository, branch: "fix", commit: patch.commit, credential: "github" })).rejects.toThrow(/starting with baton\//);
    await expect(call("push_branch", { repository: "https://elsewhere.example/acme/widgets.git", branch: "baton/fix-empty-cart", commit: patch.commit, credential: "github" })).rejects.toThrow(/not for https:\/\/elsewhere.example/);
    const pushed = await call("push_branch", { repository, branch: "baton/fix-empty-cart", commit: patch.commit, credential: "github" });
    expect(pushed.output).toMatchObject({ alreadyThere: false });

    const args = { repository, branch: "baton/fix-empty-cart", title: "Start an empty cart's total at 0", body: "Fixes #7. npm test: 2 passed, 0 failed.", credential: "github" };
    const opened = await call("open_pull_request", args);
    expect(opened.output).toMatchObject({ number: 1, draft: true, existed: false });
    // The same call again, as after a crash between the request and the journal's record: still one.
    const again = await call("open_pull_request", args);
    expect(again.output).toMatchObject({ number: 1, existed: true });
    expect(forge.pulls).toEqual([expect.objectContaining({ head: "baton/fix-empty-cart", base: "main", draft: true, body: args.body })]);

    for (const result of [failing, passing, proposed, pushed, opened]) expect(JSON.stringify(result)).not.toContain(token);

    // A follow-up ("also add a test for the empty case") works in the same clone: its commit goes
    // on top of the first on the same branch, the push moves the branch forward, and the pull
    // request is the same one.
    await writeFileTool.run({ path: "repo/test/empty.test.js", content: 'import test from "node:test";\nimport assert from "node:assert";\nimport { cartTotal } from "../src/cart.js";\n\ntest("an empty cart totals 0", () => assert.equal(cartTotal([]), 0));\n' }, context);
    const followUp = await call("propose_patch", { branch: "baton/fix-empty-cart", message: "Test the empty cart" });
    const second = followUp.output as { commit: string };
    expect(await call("push_branch", { repository, branch: "baton/fix-empty-cart", commit: second.commit, credential: "github" })).toMatchObject({ output: { alreadyThere: false } });
    const onRemote = (ref: string) => execFileSync("git", ["rev-parse", ref], { cwd: forge.repositoryPath("acme", "widgets"), encoding: "utf8" }).trim();
    expect(onRemote("refs/heads/baton/fix-empty-cart")).toBe(second.commit);
    expect(onRemote("refs/heads/baton/fix-empty-cart^")).toBe(patch.commit);
    expect((await call("open_pull_request", args)).output).toMatchObject({ number: 1, existed: true });
    expect(forge.pulls).toHaveLength(1);
  });

  test("without a sandbox, run_command refuses instead of running unconfined", async () => {
    const [, runCommand] = codeTools({ sandbox: () => detectSandbox({ bwrapPath: "/nonexistent/bwrap" }), credentialsFor, remoteAddresses: { allowlist: [] } });
    const context = testToolContext({ workspaceDir: path.join(root, "data", "workspaces", "task-2") });
    await expect(runCommand!.run({ command: "touch ran" }, context)).rejects.toThrow(/Commands cannot run here: bubblewrap/);
    await expect(readFile(path.join(context.workspaceDir, "ran"))).rejects.toThrow(/ENOENT/);
  });
});
