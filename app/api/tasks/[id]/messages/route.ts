import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { withUser } from "@/lib/http/api-route";
import { messageInput, postMessage } from "@/lib/tasks/messages";

// POST /api/tasks/:id/messages - a follow-up; to finished work it starts a new run in the thread
export const POST = withUser<{ id: string }>(async ({ user, params, body }) => {
  const message = await body(messageInput);
  const result = await postMessage({ db: db(), engine: taskDispatcher() }, { userId: user.id, taskId: params.id, body: message.body });
  return Response.json(result, { status: 202 });
});
