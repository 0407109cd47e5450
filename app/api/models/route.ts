import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { getModelSetup } from "@/lib/models/model-setup";
import { removeModelConnection, saveModelConnection } from "@/lib/models/save-model-connection";
import { modelConnectionInput, modelProviderInput } from "@/lib/models/schemas";

// GET /api/models - the owner's model setup (key hints only); 404 for anyone else
export const GET = withUser(async ({ user }) => Response.json({ setup: await getModelSetup(db(), user.id) }));

// PUT /api/models - set up a provider: { provider, apiKey?, model? } or { provider: "openai-compatible", baseUrl, apiKey? }
export const PUT = withUser(async ({ user, body }) => {
  await saveModelConnection(db(), { userId: user.id, input: await body(modelConnectionInput) });
  return Response.json({ setup: await getModelSetup(db(), user.id) });
});

// DELETE /api/models?provider= - remove a provider's setup and its key
export const DELETE = withUser(async ({ user, query }) => {
  const { provider } = query(modelProviderInput);
  await removeModelConnection(db(), { userId: user.id, provider });
  return Response.json({ setup: await getModelSetup(db(), user.id) });
});
