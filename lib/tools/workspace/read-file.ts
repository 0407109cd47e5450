// read_file: a text file from the task workspace.
import { z } from "zod";
import type { ToolDefinition } from "../types";
import { readTextFile, resolveExisting, workspacePathSchema } from "./workspace";

export const MAX_READ_BYTES = 1024 * 1024;

const input = z.object({
  path: workspacePathSchema,
  offset: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Byte offset to start reading at, to continue a file longer than 1 MiB. Default 0."),
});

export const readFileTool: ToolDefinition<typeof input> = {
  name: "read_file",
  description:
    "Read a UTF-8 text file from this task's workspace (up to 1 MiB per call; `truncated` says when more follows, and `offset` continues).",
  input,
  risk: () => "read",
  target: ({ path }) => path,
  idempotent: () => true,
  async run({ path, offset = 0 }, context) {
    const resolved = await resolveExisting(context, path);
    const file = await readTextFile(resolved, MAX_READ_BYTES, offset);
    const read = Buffer.byteLength(file.text);
    return {
      output: {
        path: resolved.relative,
        content: file.text,
        size: file.size,
        offset,
        truncated: file.truncated,
        ...(file.truncated ? { nextOffset: offset + read } : {}),
      },
      summary: `Read ${resolved.relative} (${read} of ${file.size} bytes${file.truncated ? ", truncated" : ""})`,
    };
  },
};
