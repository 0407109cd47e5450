import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { rotateTriggerSecret } from "@/lib/triggers/manage-triggers";

// POST /api/triggers/:id/secret - a new webhook secret, in this answer only; the old one stops working
export const POST = withUser<{ id: string }>(async ({ user, params }) =>
  Response.json(await rotateTriggerSecret(db(), { userId: user.id, triggerId: params.id }), { status: 201 }),
);
