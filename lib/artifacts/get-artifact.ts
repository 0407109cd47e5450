import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { z } from "zod";

const uuid = z.uuid();

/** An artifact of one of the user's tasks, with its content. */
export async function getArtifactOrThrow(db: Db, params: { userId: string; taskId: string; artifactId: string }) {
  const notFound = new AppError("NOT_FOUND", { message: "No such artifact." });
  if (!uuid.safeParse(params.taskId).success || !uuid.safeParse(params.artifactId).success) throw notFound;
  const artifact = await db.artifact.findFirst({
    where: { id: params.artifactId, taskId: params.taskId, task: { userId: params.userId } },
  });
  if (!artifact) throw notFound;
  return artifact;
}
