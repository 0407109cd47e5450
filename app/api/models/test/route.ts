import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { testModelConnection } from "@/lib/models/save-model-connection";
import { modelProviderInput } from "@/lib/models/schemas";

// POST /api/models/test - { provider }: one real call; { result: { ok, message } } with the provider's own error text
export const POST = withUser(async ({ user, body }) => {
  const { provider } = await body(modelProviderInput);
  return Response.json({ result: await testModelConnection(db(), { userId: user.id, provider }) });
});
