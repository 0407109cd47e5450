import { getArtifactOrThrow } from "@/lib/artifacts/get-artifact";
import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";

// GET /api/tasks/:id/artifacts/:artifactId - download an artifact with its own content type
export const GET = withUser<{ id: string; artifactId: string }>(async ({ user, params }) => {
  const artifact = await getArtifactOrThrow(db(), { userId: user.id, taskId: params.id, artifactId: params.artifactId });
  return new Response(new Uint8Array(artifact.content), {
    headers: {
      "content-type": artifact.mimeType,
      "content-length": String(artifact.sizeBytes),
      "content-disposition": `attachment; filename="${artifact.name.replace(/[^\w.-]/g, "_")}"`,
      // Artifacts hold agent-made content: never let a browser run it as a page.
      "content-security-policy": "default-src 'none'; sandbox",
      "x-content-type-options": "nosniff",
    },
  });
});
