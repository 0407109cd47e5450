import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertId } from "@/lib/validation/ids";


/** An artifact of one of the user's tasks, with its content. */
export async function getArtifactOrThrow(db: Db, params: { userId: string; taskId: string; artifactId: string }) {
  const notFound = new AppError("NOT_FOUND", { message: "No such artifact." });
  assertId(params.taskId, () => notFound);
  assertId(params.artifactId, () => notFound);
  const artifact = await db.artifact.findFirst({
    where: { id: params.artifactId, taskId: params.taskId, task: { userId: params.userId } },
  });
  if (!artifact) throw notFound;
  return artifact;
}
