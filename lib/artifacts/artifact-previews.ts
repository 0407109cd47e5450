import type { Db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

const MAX_PREVIEW_BYTES = 512 * 1024;
/** Earlier runs' answers shown beside the latest, so a follow-up's change can be read side by side. */
const EARLIER_ANSWERS = 10;

/**
 * The text of a user's task's markdown, CSV and patch artifacts worth showing on its page (id → text):
 * all of the latest run's, and the answers of the runs before it. Larger ones are download-only.
 */
export async function artifactPreviews(db: Db, params: { userId: string; taskId: string }): Promise<Map<string, string>> {
  const latestRun = await db.run.findFirst({ where: { taskId: params.taskId, task: { userId: params.userId } }, orderBy: { number: "desc" }, select: { id: true } });
  if (!latestRun) return new Map();
  const shown: Prisma.ArtifactWhereInput = { kind: { in: ["markdown", "csv", "patch"] }, sizeBytes: { lte: MAX_PREVIEW_BYTES } };
  const [latest, earlier] = await Promise.all([
    db.artifact.findMany({ where: { runId: latestRun.id, ...shown }, select: { id: true, content: true } }),
    db.artifact.findMany({
      where: { taskId: params.taskId, runId: { not: latestRun.id }, name: "answer.md", ...shown },
      orderBy: { createdAt: "desc" },
      take: EARLIER_ANSWERS,
      select: { id: true, content: true },
    }),
  ]);
  return new Map([...latest, ...earlier].map((artifact) => [artifact.id, Buffer.from(artifact.content).toString("utf8")]));
}
