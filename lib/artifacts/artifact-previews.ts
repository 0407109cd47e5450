import type { Db } from "@/lib/db";

const MAX_PREVIEW_BYTES = 512 * 1024;

/**
 * The text of the latest run's markdown and CSV artifacts of a user's task, for showing them on
 * its page (id → text). Larger ones are download-only.
 */
export async function artifactPreviews(db: Db, params: { userId: string; taskId: string }): Promise<Map<string, string>> {
  const latestRun = await db.run.findFirst({ where: { taskId: params.taskId, task: { userId: params.userId } }, orderBy: { number: "desc" }, select: { id: true } });
  if (!latestRun) return new Map();
  const artifacts = await db.artifact.findMany({
    where: { runId: latestRun.id, kind: { in: ["markdown", "csv"] }, sizeBytes: { lte: MAX_PREVIEW_BYTES } },
    select: { id: true, content: true },
  });
  return new Map(artifacts.map((artifact) => [artifact.id, Buffer.from(artifact.content).toString("utf8")]));
}
