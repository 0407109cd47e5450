import { db } from "@/lib/db";
import { errorResponse } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

// GET /api/health - 200 when the web server can reach its database, 503 otherwise
export async function GET() {
  try {
    await db().$queryRaw`SELECT 1`;
    return Response.json({ ok: true });
  } catch (error) {
    return errorResponse(error);
  }
}
