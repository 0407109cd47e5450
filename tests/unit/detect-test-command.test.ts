import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectTestCommand } from "@/lib/code/detect-test-command";
import { DEMO_FIXTURE_REPOSITORY } from "@/lib/demo/demo-repository";

const folders: string[] = [];
async function repositoryWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "baton-detect-"));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}
afterEach(async () => {
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("the test command a repository documents", () => {
  it("finds the fixture's npm test in its AGENTS.md and says so", async () => {
    expect(await detectTestCommand(DEMO_FIXTURE_REPOSITORY)).toEqual({ command: "npm test", source: "AGENTS.md" });
  });

  it("prefers AGENTS.md, then package.json's test script, then a Makefile's test target", async () => {
    const all = { "AGENTS.md": "Lint with `npm run lint`.\nTest with `pytest -q tests/`.", "package.json": '{"scripts":{"test":"vitest"}}', Makefile: "test:\n\tgo test ./...\n" };
    expect(await detectTestCommand(await repositoryWith(all))).toEqual({ command: "pytest -q tests/", source: "AGENTS.md" });
    expect(await detectTestCommand(await repositoryWith({ "package.json": all["package.json"], Makefile: all.Makefile }))).toEqual({ command: "npm test", source: "package.json" });
    expect(await detectTestCommand(await repositoryWith({ Makefile: "build:\n\tcc x.c\n\ntest: build\n\t./run\n" }))).toEqual({ command: "make test", source: "Makefile" });
  });

  it("ignores npm's placeholder script and says nothing when the repository documents no tests", async () => {
    expect(await detectTestCommand(await repositoryWith({ "package.json": '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}', "AGENTS.md": "Be kind." }))).toBeNull();
  });
});
