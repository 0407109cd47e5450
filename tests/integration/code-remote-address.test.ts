// git's own connections and the forge API follow the http tool's SSRF rule: a remote on loopback,
// a private range or the cloud metadata address is refused before git or Octokit connect, unless
// the admin allowlisted it; allowlisted, the clone goes through (git told the checked address).
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { detectSandbox } from "@/lib/sandbox/detect-sandbox";
import { codeTools } from "@/lib/tools/code/code-tools";
import type { LookupFn } from "@/lib/tools/http/ssrf-guard";
import type { ToolDefinition } from "@/lib/tools/types";
import { startFakeGithub, type FakeGithub } from "../fakes/fake-github";
import { createBareFixtureRepository } from "../support/fixture-repository";
import { testToolContext } from "../support/tool-context";

const token = `ghp_${randomBytes(18).toString("hex")}`;
let root: string;
let forge: FakeGithub;

// Stands in for DNS: names inside a company network and the metadata service's well-known name.
const lookup: LookupFn = async (hostname) => {
  const answers: Record<string, string> = { "git.corp.example": "10.1.2.3", "metadata.example": "169.254.169.254", "public.example": "93.184.216.34" };
  const address = answers[hostname];
  if (!address) throw new Error(`ENOTFOUND ${hostname}`);
  return [{ address, family: 4 }];
};

function toolsWith(allowlist: string[]): (name: string) => ToolDefinition {
  const tools = codeTools({ sandbox: () => detectSandbox(), credentialsFor: async () => ({ username: "x-access-token", token }), remoteAddresses: { allowlist, lookup } });
  return (name) => tools.find((candidate) => candidate.name === name)!;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "baton-code-ssrf-"));
  forge = await startFakeGithub({ root: path.join(root, "forge"), token });
  await mkdir(path.join(root, "forge", "acme"), { recursive: true });
  await createBareFixtureRepository(forge.repositoryPath("acme", "widgets"));
});

afterAll(async () => {
  await forge.close();
  await rm(root, { recursive: true, force: true });
});

const cloned = (workspaceDir: string) => stat(path.join(workspaceDir, "repo")).then(() => true, () => false);

describe("git's connections and the SSRF rule", () => {
  test("a remote on loopback, a private range or the metadata address is refused before git connects", async () => {
    const tool = toolsWith([]);
    const context = testToolContext({ workspaceDir: path.join(root, "data", "workspaces", "refused") });
    const clone = (repository: string) => tool("clone_repository").run(tool("clone_repository").input.parse({ repository }), context);

    await expect(clone(forge.cloneUrl("acme", "widgets"))).rejects.toThrow(/Refused: 127\.0\.0\.1 is .*allowlist/);
    await expect(clone("https://git.corp.example/acme/widgets.git")).rejects.toThrow(/git\.corp\.example resolves to 10\.1\.2\.3/);
    await expect(clone("https://metadata.example/latest.git")).rejects.toThrow(/resolves to 169\.254\.169\.254/);
    expect(await cloned(context.workspaceDir)).toBe(false);
    expect(forge.requests).toEqual([]);

    const push = tool("push_branch");
    await expect(push.run(push.input.parse({ repository: "https://git.corp.example/acme/widgets.git", branch: "baton/x", commit: "a".repeat(40) }), context)).rejects.toThrow(/resolves to 10\.1\.2\.3/);
    const pull = tool("open_pull_request");
    await expect(pull.run(pull.input.parse({ repository: forge.cloneUrl("acme", "widgets"), branch: "baton/x", title: "t", body: "b", credential: "github" }), context)).rejects.toThrow(/Refused: 127\.0\.0\.1/);
    expect(forge.requests).toEqual([]);
  });

  test("a remote the admin allowlisted (host and port) is cloned", async () => {
    const tool = toolsWith([new URL(forge.url).host]);
    const context = testToolContext({ workspaceDir: path.join(root, "data", "workspaces", "allowed") });
    const result = await tool("clone_repository").run(tool("clone_repository").input.parse({ repository: forge.cloneUrl("acme", "widgets"), credential: "github" }), context);
    expect(result.summary).toMatch(/^Cloned /);
    expect(await cloned(context.workspaceDir)).toBe(true);
    expect(forge.requests.some((request) => request.path.includes("git-upload-pack"))).toBe(true);
  });
});
