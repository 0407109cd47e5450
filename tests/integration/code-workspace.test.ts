// The code workspace against a fake GitHub (real git smart HTTP through git http-backend, real
// REST through Octokit): clone with the token, run the fixture's failing test in the sandbox, fix
// it, commit, push to an allowed branch only, open one draft pull request; the token is nowhere
// in the workspace.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cloneRepository } from "@/lib/code/clone-repository";
import { commitChanges } from "@/lib/code/commit-changes";
import { pushCommit, PushRefusedError } from "@/lib/code/push-commit";
import { parseRepositoryRemote, type RepositoryRemote } from "@/lib/code/repository-url";
import { githubClient, githubRepositoryOf, openDraftPullRequest, readIssue } from "@/lib/forge/github-forge";
import { detectSandbox } from "@/lib/sandbox/detect-sandbox";
import { runSandboxed, type Sandbox } from "@/lib/sandbox/run-sandboxed";
import { startFakeGithub, type FakeGithub } from "../fakes/fake-github";
import { createBareFixtureRepository } from "../support/fixture-repository";

const token = `ghp_${randomBytes(18).toString("hex")}`;
const credentials = { username: "x-access-token", token };
const rules = { prefix: "baton/", baseBranch: "main" };
let root: string;
let forge: FakeGithub;
let sandbox: Sandbox;
let remote: RepositoryRemote;
let workspaceDir: string;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

function remoteBranch(branch: string): string | null {
  try {
    return execFileSync("git", ["--git-dir", forge.repositoryPath("acme", "widgets"), "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]).toString().trim();
  } catch {
    return null;
  }
}

beforeAll(async () => {
  const status = await detectSandbox();
  if (!status.available) throw new Error(status.reason);
  sandbox = status.sandbox;
  root = await mkdtemp(path.join(os.tmpdir(), "baton-code-"));
  forge = await startFakeGithub({ root: path.join(root, "forge"), token });
  await mkdir(path.join(root, "forge", "acme"), { recursive: true });
  await createBareFixtureRepository(forge.repositoryPath("acme", "widgets"));
  forge.issues.set("acme/widgets#7", { number: 7, title: "An empty cart's total is not 0", body: "cartTotal([]) throws." });
  const parsed = parseRepositoryRemote(forge.cloneUrl("acme", "widgets"));
  if (!parsed.ok) throw new Error(parsed.problem);
  remote = parsed.remote;
  workspaceDir = path.join(root, "data", "workspaces", "task-1");
});

afterAll(async () => {
  await forge.close();
  await rm(root, { recursive: true, force: true });
});

describe("a code workspace", () => {
  test("a clone without the token is refused by the forge", async () => {
    await expect(cloneRepository({ workspaceDir: path.join(root, "other"), folder: "repo", remote, baseBranch: "main" })).rejects.toThrow(/git clone failed/);
  });

  test("a URL with a token in it is refused before git runs", () => {
    const parsed = parseRepositoryRemote(`https://x-access-token:${token}@github.com/acme/widgets.git`);
    expect(parsed.ok).toBe(false);
  });

  test("clone, fail the test, fix, pass, commit, push and open a draft pull request", async () => {
    const clone = await cloneRepository({ workspaceDir, folder: "repo", remote, baseBranch: "main", credentials });
    expect(clone.head).toMatch(/^[0-9a-f]{40}$/);

    const before = await runSandboxed(sandbox, { workspaceDir, cwd: "repo", command: ["/bin/sh", "-c", "npm test"] });
    expect(before.exitCode).not.toBe(0);
    expect(before.stdout.text).toContain("# fail 2");

    const source = path.join(workspaceDir, "repo", "src", "cart.js");
    await writeFile(source, (await readFile(source, "utf8")).replace("line.quantity);", "line.quantity, 0);"));
    const after = await runSandboxed(sandbox, { workspaceDir, cwd: "repo", command: ["/bin/sh", "-c", "npm test"] });
    expect(after.exitCode).toBe(0);
    expect(after.stdout.text).toContain("# pass 2");

    const patch = await commitChanges(sandbox, { workspaceDir, folder: "repo", branch: "baton/fix-empty-cart", baseBranch: "main", message: "Start an empty cart's total at 0" });
    expect(patch.files).toEqual([{ path: "src/cart.js", added: 1, removed: 1 }]);
    expect(patch.patch).toContain("+  return lines.reduce((sum, line) => sum + line.priceCents * line.quantity, 0);");
    expect(patch.patch).toContain("Subject: [PATCH] Start an empty cart's total at 0");

    await expect(pushCommit({ workspaceDir, folder: "repo", remote, branch: "main", commit: patch.commit, rules, credentials })).rejects.toThrow(PushRefusedError);
    await expect(pushCommit({ workspaceDir, folder: "repo", remote, branch: "feature/x", commit: patch.commit, rules, credentials })).rejects.toThrow(/Only branches starting with baton\//);
    expect(remoteBranch("main")).toBe(clone.head);

    const pushed = await pushCommit({ workspaceDir, folder: "repo", remote, branch: "baton/fix-empty-cart", commit: patch.commit, rules, credentials });
    expect(pushed.alreadyThere).toBe(false);
    expect(remoteBranch("baton/fix-empty-cart")).toBe(patch.commit);
    // Again (an attempt after a crash): nothing new is pushed.
    expect((await pushCommit({ workspaceDir, folder: "repo", remote, branch: "baton/fix-empty-cart", commit: patch.commit, rules, credentials })).alreadyThere).toBe(true);

    const repository = githubRepositoryOf(forge.cloneUrl("acme", "widgets"))!;
    const client = githubClient({ apiUrl: repository.apiUrl, token });
    const issue = await readIssue(client, { owner: "acme", repo: "widgets", number: 7 });
    expect(issue.title).toBe("An empty cart's total is not 0");
    const params = { owner: "acme", repo: "widgets", head: "baton/fix-empty-cart", base: "main", title: "Start an empty cart's total at 0", body: `Fixes ${issue.url}` };
    const pull = await openDraftPullRequest(client, params);
    expect(pull).toMatchObject({ number: 1, draft: true, existed: false });
    expect((await openDraftPullRequest(client, params)).existed).toBe(true);
    expect(forge.pulls).toHaveLength(1);
    expect(forge.pulls[0]).toMatchObject({ head: "baton/fix-empty-cart", base: "main", draft: true, body: `Fixes ${issue.url}` });

    // The token went to the forge on every request, and is nowhere in the workspace.
    expect(forge.requests.filter((request) => !request.authorized).length).toBeGreaterThan(0);
    expect(forge.requests.some((request) => request.path.includes("git-receive-pack") && request.authorized)).toBe(true);
    const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
    for (const file of await filesUnder(workspaceDir)) {
      const bytes = await readFile(file);
      expect(bytes.includes(token), file).toBe(false);
      expect(bytes.includes(basic), file).toBe(false);
    }
    expect(await readFile(path.join(workspaceDir, "repo", ".git", "config"), "utf8")).toContain(`url = ${forge.cloneUrl("acme", "widgets")}`);
  });

  test("a commit that does not build on the remote branch is refused, not forced", async () => {
    // Rewrite the branch in the clone: a commit beside the one pushed, not after it.
    const amended = await runSandboxed(sandbox, {
      workspaceDir,
      cwd: "repo",
      command: ["/bin/sh", "-c", "git -c user.name=M -c user.email=m@example.com commit -q --amend -m rewritten && git rev-parse HEAD"],
    });
    expect(amended.exitCode).toBe(0);
    const commit = amended.stdout.text.trim();
    const pushedBefore = remoteBranch("baton/fix-empty-cart");
    await expect(pushCommit({ workspaceDir, folder: "repo", remote, branch: "baton/fix-empty-cart", commit, rules, credentials })).rejects.toThrow(/force push is refused/);
    expect(remoteBranch("baton/fix-empty-cart")).toBe(pushedBefore);
  });

  test("a local bare repository works as the remote too", async () => {
    const localRemote = parseRepositoryRemote(forge.repositoryPath("acme", "widgets"));
    if (!localRemote.ok) throw new Error(localRemote.problem);
    const clone = await cloneRepository({ workspaceDir: path.join(root, "local-task"), folder: "repo", remote: localRemote.remote, baseBranch: "main" });
    expect(clone.head).toBe(remoteBranch("main"));
  });
});
