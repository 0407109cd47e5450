import type { Db } from "@/lib/db";

/** The text of the newest markdown artifact of a user's task, for rendering on its page. */
export async function latestMarkdownArtifact(db: Db, params: { userId: string; taskId: string }) {
  const artifact = await db.artifact.findFirst({
    where: { taskId: params.taskId, kind: "markdown", task: { userId: params.userId } },
    orderBy: { createdAt: "desc" },
    select: { id: true, content: true },
  });
  return artifact ? { id: artifact.id, text: Buffer.from(artifact.content).toString("utf8") } : null;
}
