import { apiUserId } from "@/lib/auth/current-user";
import { getArtifactOrThrow } from "@/lib/artifacts/get-artifact";
import { db } from "@/lib/db";
import { respond } from "@/lib/http/respond";

// GET /api/tasks/:id/artifacts/:artifactId - download an artifact with its own content type
export async function GET(request: Request, context: RouteContext<"/api/tasks/[id]/artifacts/[artifactId]">) {
  return respond(async () => {
    const { id, artifactId } = await context.params;
    const artifact = await getArtifactOrThrow(db(), { userId: await apiUserId(request), taskId: id, artifactId });
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
}
