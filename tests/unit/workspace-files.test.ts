import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ToolContext } from "@/lib/tools/types";
import { listFilesTool } from "@/lib/tools/workspace/list-files";
import { readFileTool } from "@/lib/tools/workspace/read-file";
import { writeFileTool } from "@/lib/tools/workspace/write-file";
import { testToolContext } from "../support/tool-context";

let root: string;
let workspace: string;
let outside: string;
let context: ToolContext;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "baton-workspace-"));
  workspace = path.join(root, "workspace"); // created by the first write
  outside = path.join(root, "outside");
  await mkdir(outside);
  await writeFile(path.join(outside, "secret.txt"), "top secret");
  context = testToolContext({ workspaceDir: workspace });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const write = (input: { path: string; content: string }) => writeFileTool.run(writeFileTool.input.parse(input), context);
const read = (input: { path: string; offset?: number }) => readFileTool.run(readFileTool.input.parse(input), context);
const list = (input: { path?: string; recursive?: boolean } = {}) => listFilesTool.run(listFilesTool.input.parse(input), context);

describe("workspace files", () => {
  it("writes (creating folders), reads and lists", async () => {
    expect((await list()).output).toEqual({ path: ".", entries: [], truncated: false });

    const created = await write({ path: "notes/2026/today.md", content: "# Today\n\nünïcode ✓\n" });
    expect(created.output).toEqual({ path: "notes/2026/today.md", bytes: 23, created: true });
    expect(created.summary).toBe("Created notes/2026/today.md (23 bytes)");
    const replaced = await write({ path: "./notes/../notes/2026/today.md", content: "# Today\n" });
    expect(replaced.output).toEqual({ path: "notes/2026/today.md", bytes: 8, created: false });
    await write({ path: "report.txt", content: "done" });

    expect((await read({ path: "notes/2026/today.md" })).output).toEqual({
      path: "notes/2026/today.md",
      content: "# Today\n",
      size: 8,
      offset: 0,
      truncated: false,
    });
    expect((await list()).output).toEqual({
      path: ".",
      entries: [
        { path: "notes", type: "folder" },
        { path: "report.txt", type: "file", size: 4 },
      ],
      truncated: false,
    });
    expect((await list({ recursive: true })).output).toMatchObject({
      entries: [
        { path: "notes", type: "folder" },
        { path: "report.txt", type: "file", size: 4 },
        { path: "notes/2026", type: "folder" },
        { path: "notes/2026/today.md", type: "file", size: 8 },
      ],
    });
    expect((await list({ path: "notes/2026" })).output).toMatchObject({ path: "notes/2026", entries: [{ path: "notes/2026/today.md" }] });
  });

  it("reads at most 1 MiB at a time, never splitting a character, and continues from an offset", async () => {
    await mkdir(workspace);
    const text = "é".repeat(600_000); // 1.2 MB in UTF-8
    await writeFile(path.join(workspace, "big.txt"), text);
    const first = (await read({ path: "big.txt" })).output as { content: string; truncated: boolean; nextOffset: number; size: number };
    expect(first).toMatchObject({ truncated: true, size: 1_200_000, nextOffset: 1_048_576 });
    expect(first.content).toBe("é".repeat(524_288));
    const rest = (await read({ path: "big.txt", offset: first.nextOffset })).output as { content: string; truncated: boolean };
    expect(rest.truncated).toBe(false);
    expect(first.content + rest.content).toBe(text);
  });

  it("refuses paths that escape the workspace", async () => {
    await write({ path: "a.txt", content: "a" });
    for (const escape of ["../outside/secret.txt", "notes/../../outside/secret.txt", "..", "/etc/passwd"]) {
      await expect(read({ path: escape })).rejects.toThrow(/outside the task workspace|is absolute/);
      await expect(write({ path: escape, content: "pwned" })).rejects.toThrow(/outside the task workspace|is absolute/);
      await expect(list({ path: escape })).rejects.toThrow(/outside the task workspace|is absolute/);
    }
    await expect(write({ path: "../escaped.txt", content: "x" })).rejects.toThrow("outside the task workspace");
    expect((await readdir(root)).sort()).toEqual(["outside", "workspace"]);
    expect(await readFile(path.join(outside, "secret.txt"), "utf8")).toBe("top secret");
  });

  it("refuses symlinks that lead outside, for reading, writing and listing", async () => {
    await mkdir(workspace);
    await symlink("/etc", path.join(workspace, "etc"));
    await symlink(outside, path.join(workspace, "out"));
    await symlink(path.join(outside, "secret.txt"), path.join(workspace, "secret.txt"));
    await symlink(path.join(outside, "new.txt"), path.join(workspace, "dangling.txt"));

    await expect(read({ path: "etc/passwd" })).rejects.toThrow('"etc/passwd" points outside the task workspace.');
    await expect(read({ path: "secret.txt" })).rejects.toThrow("points outside the task workspace");
    await expect(list({ path: "etc" })).rejects.toThrow("points outside the task workspace");
    await expect(write({ path: "out/new.txt", content: "x" })).rejects.toThrow("points outside the task workspace");
    await expect(write({ path: "out/deeper/new.txt", content: "x" })).rejects.toThrow("points outside the task workspace");
    await expect(write({ path: "secret.txt", content: "x" })).rejects.toThrow("points outside the task workspace");
    await expect(write({ path: "dangling.txt", content: "x" })).rejects.toThrow("symlink");

    expect((await readdir(outside)).sort()).toEqual(["secret.txt"]);
    expect(await readFile(path.join(outside, "secret.txt"), "utf8")).toBe("top secret");
    // Listing shows symlinks without following them.
    expect((await list()).output).toMatchObject({
      entries: [
        { path: "dangling.txt", type: "symlink" },
        { path: "etc", type: "symlink" },
        { path: "out", type: "symlink" },
        { path: "secret.txt", type: "symlink" },
      ],
    });
  });

  it("follows symlinks that stay inside", async () => {
    await write({ path: "docs/real.md", content: "inside" });
    await symlink("docs", path.join(workspace, "alias"));
    expect((await read({ path: "alias/real.md" })).output).toMatchObject({ path: "docs/real.md", content: "inside" });
    await write({ path: "alias/real.md", content: "changed" });
    expect(await readFile(path.join(workspace, "docs/real.md"), "utf8")).toBe("changed");
  });

  it("explains missing files, folders, binary files and pipes", async () => {
    await expect(read({ path: "nope.txt" })).rejects.toThrow('No such file or folder in the workspace: "nope.txt"');
    await write({ path: "docs/a.md", content: "a" });
    await expect(read({ path: "nope.txt" })).rejects.toThrow('No such file or folder in the workspace: "nope.txt".');
    await expect(read({ path: "docs" })).rejects.toThrow('"docs" is a folder.');
    await expect(write({ path: "docs", content: "x" })).rejects.toThrow('"docs" is a folder.');
    await expect(write({ path: "docs/a.md/b.md", content: "x" })).rejects.toThrow("a file is in the way");
    await expect(list({ path: "docs/a.md" })).rejects.toThrow('"docs/a.md" is a file, not a folder.');

    await writeFile(path.join(workspace, "image.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    await expect(read({ path: "image.png" })).rejects.toThrow('"image.png" looks like a binary file (12 bytes)');

    execFileSync("mkfifo", [path.join(workspace, "pipe")]);
    await expect(read({ path: "pipe" })).rejects.toThrow('"pipe" is not a regular file.');
    await expect(write({ path: "pipe", content: "x" })).rejects.toThrow('"pipe" is not a regular file.');
  });

  it("limits writes to 5 MiB and declares risks", async () => {
    await expect(write({ path: "big.txt", content: "é".repeat(3 * 1024 * 1024) })).rejects.toThrow(
      "The content is 6291456 bytes; the limit is 5242880.",
    );
    expect(writeFileTool.input.safeParse({ path: "big.txt", content: "x".repeat(5 * 1024 * 1024 + 1) }).success).toBe(false);
    expect(writeFileTool.input.safeParse({ path: "", content: "x" }).success).toBe(false);

    const input = { path: "a.txt", content: "x" };
    expect([writeFileTool.risk(input), writeFileTool.idempotent(input), writeFileTool.target(input)]).toEqual(["write", true, "a.txt"]);
    expect([readFileTool.risk({ path: "a.txt" }), readFileTool.idempotent({ path: "a.txt" })]).toEqual(["read", true]);
    expect([listFilesTool.risk({}), listFilesTool.target({})]).toEqual(["read", "."]);
  });
});
