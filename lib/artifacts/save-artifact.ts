import type { Db, DbTx } from "@/lib/db";
import { appendEvent } from "@/lib/tasks/timeline";

export const ARTIFACT_KINDS = {
  markdown: "text/markdown; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  json: "application/json",
  file: "application/octet-stream",
  // A proposed change to a repository, as `git format-patch` writes it.
  patch: "text/x-diff; charset=utf-8",
  // A playbook step's screenshot (lib/browser caps its size).
  png: "image/png",
  jpeg: "image/jpeg",
} as const;

export type ArtifactKind = keyof typeof ARTIFACT_KINDS;

/** A screenshot appears on the timeline with the step it pictures, not as an event of its own. */
function announced(kind: ArtifactKind): boolean {
  return kind !== "png" && kind !== "jpeg";
}

export interface NewArtifact {
  taskId: string;
  runId: string;
  name: string;
  kind: ArtifactKind;
  content: string | Uint8Array;
}

/** Stores an artifact once per run and name; a repeated call (a replayed step) returns the first. */
export async function saveArtifact(db: Db, artifact: NewArtifact): Promise<{ id: string }> {
  return db.$transaction((tx) => insertArtifact(tx, artifact));
}

/** saveArtifact within the caller's transaction (putArtifact's, when the name is new). */
async function insertArtifact(tx: DbTx, artifact: NewArtifact): Promise<{ id: string }> {
  const row = artifactRow(artifact);
  // One statement when it is new (the usual case): the insert skips a (run, name) already stored.
  const [created] = await tx.artifact.createManyAndReturn({
    data: [{ taskId: artifact.taskId, runId: artifact.runId, name: row.name, kind: row.kind, mimeType: row.mimeType, sizeBytes: row.sizeBytes, content: row.content }],
    skipDuplicates: true,
    select: { id: true },
  });
  if (!created) return tx.artifact.findUniqueOrThrow({ where: { runId_name: { runId: artifact.runId, name: artifact.name } }, select: { id: true } });
  if (row.announcement) {
    await appendEvent(tx, { taskId: artifact.taskId, runId: artifact.runId, type: "artifact.created", actor: "agent", message: row.announcement, data: { artifactId: created.id } });
  }
  return created;
}

/** An artifact's stored columns, and the timeline line announcing it (null: it is not announced). */
export function artifactRow(artifact: Pick<NewArtifact, "name" | "kind" | "content">) {
  const content = typeof artifact.content === "string" ? Buffer.from(artifact.content, "utf8") : Buffer.from(artifact.content);
  return {
    name: artifact.name,
    kind: artifact.kind,
    mimeType: ARTIFACT_KINDS[artifact.kind],
    sizeBytes: content.byteLength,
    content,
    announcement: announced(artifact.kind) ? `Saved ${artifact.name} (${formatBytes(content.byteLength)})` : null,
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Stores an artifact, replacing one of the same name in the same run: the write_artifact tool. */
export async function putArtifact(db: Db, artifact: NewArtifact): Promise<{ id: string; sizeBytes: number }> {
  const content = typeof artifact.content === "string" ? Buffer.from(artifact.content, "utf8") : Buffer.from(artifact.content);
  return db.$transaction(async (tx) => {
    const existing = await tx.artifact.findUnique({ where: { runId_name: { runId: artifact.runId, name: artifact.name } }, select: { id: true } });
    if (!existing) return { ...(await insertArtifact(tx, artifact)), sizeBytes: content.byteLength };
    await tx.artifact.update({
      where: { id: existing.id },
      data: { kind: artifact.kind, mimeType: ARTIFACT_KINDS[artifact.kind], sizeBytes: content.byteLength, content },
    });
    if (announced(artifact.kind)) {
      await appendEvent(tx, {
        taskId: artifact.taskId,
        runId: artifact.runId,
        type: "artifact.updated",
        actor: "agent",
        message: `Updated ${artifact.name} (${formatBytes(content.byteLength)})`,
        data: { artifactId: existing.id },
      });
    }
    return { id: existing.id, sizeBytes: content.byteLength };
  });
}
