import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { withUser } from "@/lib/http/api-route";
import { requestTakeover } from "@/lib/takeover/hand-back";

// POST /api/tasks/:id/takeover - "Take over": the browser loop hands over between two turns
export const POST = withUser<{ id: string }>(async ({ user, params }) => {
  await requestTakeover({ db: db(), engine: taskDispatcher() }, { userId: user.id, taskId: params.id });
  return Response.json({ requested: true }, { status: 202 });
});
