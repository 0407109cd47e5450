import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { parseOrThrow, readJsonBody, respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { messageInput, postMessage } from "@/lib/tasks/messages";

// POST /api/tasks/:id/messages - a follow-up; to finished work it starts a new run in the thread
export async function POST(request: Request, context: RouteContext<"/api/tasks/[id]/messages">) {
  return respond(async () => {
    assertSameOrigin(request);
    const { id } = await context.params;
    const { body } = parseOrThrow(messageInput, await readJsonBody(request));
    const result = await postMessage({ db: db(), engine: taskDispatcher() }, { userId: await apiUserId(request), taskId: id, body });
    return Response.json(result, { status: 202 });
  });
}
