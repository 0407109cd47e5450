// write_file: create or replace a text file in the task workspace.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { z } from "zod";
import { ToolError, type ToolDefinition } from "../types";
import { resolveForWrite, workspacePathSchema } from "./workspace";

export const MAX_WRITE_BYTES = 5 * 1024 * 1024;

const input = z.object({
  path: workspacePathSchema,
  content: z.string().max(MAX_WRITE_BYTES).describe("The whole new content of the file, as UTF-8 text (up to 5 MiB)."),
});

export const writeFileTool: ToolDefinition<typeof input> = {
  name: "write_file",
  description:
    "Create or replace a text file in this task's workspace; missing folders are created. Writing the same content again changes nothing.",
  input,
  risk: () => "write",
  target: ({ path }) => path,
  idempotent: () => true,
  async run({ path, content }, context) {
    const bytes = Buffer.byteLength(content);
    if (bytes > MAX_WRITE_BYTES) throw new ToolError(`The content is ${bytes} bytes; the limit is ${MAX_WRITE_BYTES}.`);
    const resolved = await resolveForWrite(context, path);
    let handle;
    try {
      // O_NOFOLLOW: a symlink swapped in after the checks (or a dangling one) is refused, not
      // followed. O_NONBLOCK: a FIFO without a reader fails instead of hanging the run.
      handle = await open(resolved.real, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
    } catch (error) {
      const code = error instanceof Error && "code" in error ? error.code : undefined;
      if (code === "EISDIR") throw new ToolError(`"${path}" is a folder.`, { cause: error });
      if (code === "ELOOP") throw new ToolError(`"${path}" is a symlink that leads nowhere inside the workspace.`, { cause: error });
      if (code === "ENXIO") throw new ToolError(`"${path}" is not a regular file.`, { cause: error });
      throw error;
    }
    try {
      await handle.writeFile(content, "utf8");
    } finally {
      await handle.close();
    }
    return {
      output: { path: resolved.relative, bytes, created: !resolved.exists },
      summary: `${resolved.exists ? "Replaced" : "Created"} ${resolved.relative} (${bytes} bytes)`,
    };
  },
};
