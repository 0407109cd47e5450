import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { withoutUser } from "@/lib/http/api-route";
import { receiveWebhook } from "@/lib/triggers/receive-webhook";

// POST /api/hooks/:id - a signed webhook delivery (README, "Triggers"); its authority is the signature
export const POST = withoutUser<{ id: string }>(async ({ request, params }) => {
  const { status, ...receipt } = await receiveWebhook({ db: db(), engine: taskDispatcher() }, { triggerId: params.id, request });
  return Response.json(receipt, { status });
});
