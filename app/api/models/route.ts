import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { parseOrThrow, readJsonBody, respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { getModelSetup } from "@/lib/models/model-setup";
import { removeModelConnection, saveModelConnection } from "@/lib/models/save-model-connection";
import { modelConnectionInput, modelProviderInput } from "@/lib/models/schemas";

// GET /api/models - the owner's model setup (key hints only); 404 for anyone else
export async function GET(request: Request) {
  return respond(async () => Response.json({ setup: await getModelSetup(db(), await apiUserId(request)) }));
}

// PUT /api/models - set up a provider: { provider, apiKey?, model? } or { provider: "openai-compatible", baseUrl, apiKey? }
export async function PUT(request: Request) {
  return respond(async () => {
    assertSameOrigin(request);
    const input = parseOrThrow(modelConnectionInput, await readJsonBody(request));
    const userId = await apiUserId(request);
    await saveModelConnection(db(), { userId, input });
    return Response.json({ setup: await getModelSetup(db(), userId) });
  });
}

// DELETE /api/models?provider= - remove a provider's setup and its key
export async function DELETE(request: Request) {
  return respond(async () => {
    assertSameOrigin(request);
    const { provider } = parseOrThrow(modelProviderInput, { provider: new URL(request.url).searchParams.get("provider") ?? undefined });
    const userId = await apiUserId(request);
    await removeModelConnection(db(), { userId, provider });
    return Response.json({ setup: await getModelSetup(db(), userId) });
  });
}
