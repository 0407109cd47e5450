import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { withUser } from "@/lib/http/api-route";
import { parseOrThrow } from "@/lib/http/respond";
import { createTemplateTask } from "@/lib/tasks/create-template-task";
import { idempotencyKeyHeader, templateTaskInput } from "@/lib/tasks/schemas";

// POST /api/templates/:templateId/tasks - start a task from a template ({fields, provider?, model?}); 400 names the fields to fix
export const POST = withUser<{ templateId: string }>(async ({ request, user, body, params }) => {
  const idempotencyKey = parseOrThrow(idempotencyKeyHeader, request.headers.get("idempotency-key") ?? undefined);
  const input = await body(templateTaskInput);
  const { task, created } = await createTemplateTask({ db: db(), engine: taskDispatcher() }, { ...input, templateId: params.templateId, userId: user.id, idempotencyKey });
  return Response.json({ task }, { status: created ? 201 : 200, headers: { location: `/api/tasks/${task.id}` } });
});
