// list_files: what is in a folder of the task workspace.
import type { Dirent } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ToolError, type ToolDefinition } from "../types";
import { resolveExisting, toWorkspaceRelative, workspacePathSchema, workspaceRoot } from "./workspace";

const MAX_ENTRIES = 1000;
const MAX_DEPTH = 20;

const input = z.object({
  path: workspacePathSchema.optional().describe('A folder relative to the task workspace. Default ".", the workspace itself.'),
  recursive: z.boolean().optional().describe("Also list the contents of sub-folders. Default false."),
});

interface Entry {
  path: string;
  type: "file" | "folder" | "symlink" | "other";
  /** Bytes, for files. */
  size?: number;
}

function typeOf(entry: Dirent): Entry["type"] {
  if (entry.isSymbolicLink()) return "symlink";
  if (entry.isDirectory()) return "folder";
  return entry.isFile() ? "file" : "other";
}

export const listFilesTool: ToolDefinition<typeof input> = {
  name: "list_files",
  description: `List the files and folders in this task's workspace (or one of its folders), up to ${MAX_ENTRIES} entries. Symlinks are listed, not followed.`,
  input,
  risk: () => "read",
  target: ({ path: folder }) => folder ?? ".",
  idempotent: () => true,
  async run({ path: folder = ".", recursive = false }, context) {
    // A workspace nothing has been written to yet is simply empty.
    if (path.normalize(folder) === "." && (await workspaceRoot(context, false)) === null) {
      return { output: { path: ".", entries: [], truncated: false }, summary: "Listed the workspace (empty)" };
    }
    const resolved = await resolveExisting(context, folder);
    if (!(await stat(resolved.real)).isDirectory()) throw new ToolError(`"${resolved.relative}" is a file, not a folder.`);

    const entries: Entry[] = [];
    let truncated = false;
    const queue: { dir: string; depth: number }[] = [{ dir: resolved.real, depth: 0 }];
    for (let next = queue.shift(); next && !truncated; next = queue.shift()) {
      const { dir, depth } = next;
      const children = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      for (const child of children) {
        if (entries.length >= MAX_ENTRIES) {
          truncated = true;
          break;
        }
        const full = path.join(dir, child.name);
        const entry: Entry = { path: toWorkspaceRelative(resolved.root, full), type: typeOf(child) };
        if (entry.type === "file") entry.size = (await lstat(full)).size;
        entries.push(entry);
        if (recursive && entry.type === "folder" && depth + 1 < MAX_DEPTH) queue.push({ dir: full, depth: depth + 1 });
      }
    }
    return {
      output: { path: resolved.relative, entries, truncated },
      summary: `Listed ${resolved.relative} (${entries.length} entries${truncated ? ", truncated" : ""})`,
    };
  },
};
