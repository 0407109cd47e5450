import { z } from "zod";
import type { ToolDefinition } from "../types";

const MAX_ARTIFACT_BYTES = 10 * 1024 * 1024;

const input = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .regex(/^[\w][\w .-]*\.(md|csv|json|txt)$/, "Use a plain file name ending in .md, .csv, .json or .txt, e.g. brief.md.")
    .describe("File name, e.g. weekly-metrics.csv. Writing the same name again replaces it."),
  content: z.string().describe("The whole file content. CSV: a header row, then one row per line."),
});

const kinds = { md: "markdown", csv: "csv", json: "json", txt: "file" } as const;

/** Delivers a result file to the person: downloadable, and shown on the task page. */
export const writeArtifactTool: ToolDefinition<typeof input> = {
  name: "write_artifact",
  description:
    "Save a result for the person as a downloadable file: a Markdown report (.md), a spreadsheet (.csv), data (.json) or text (.txt). " +
    "Use it for deliverables; your final message is also saved as answer.md.",
  input,
  risk: () => "write",
  target: (args) => args.name,
  idempotent: () => true,
  async run(args, context) {
    if (Buffer.byteLength(args.content, "utf8") > MAX_ARTIFACT_BYTES) throw new Error("The artifact is larger than 10 MiB; split it.");
    if (args.name.endsWith(".json")) JSON.parse(args.content);
    const extension = args.name.split(".").pop() as keyof typeof kinds;
    const saved = await context.saveArtifact({ name: args.name, kind: kinds[extension], content: args.content });
    return { output: { saved: args.name, bytes: saved.sizeBytes }, summary: `Wrote ${args.name} (${saved.sizeBytes} bytes)` };
  },
};
