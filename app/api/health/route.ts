import { db } from "@/lib/db";
import { withoutUser } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

// GET /api/health - 200 when the web server can reach its database, 503 otherwise
export const GET = withoutUser(async () => {
  await db().$queryRaw`SELECT 1`;
  return Response.json({ ok: true });
});
