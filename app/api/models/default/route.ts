import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { parseOrThrow, readJsonBody, respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { getModelSetup } from "@/lib/models/model-setup";
import { setDefaultModel } from "@/lib/models/save-model-connection";
import { defaultModelInput } from "@/lib/models/schemas";

// PUT /api/models/default - { provider, model }: the model new tasks use unless they name one
export async function PUT(request: Request) {
  return respond(async () => {
    assertSameOrigin(request);
    const choice = parseOrThrow(defaultModelInput, await readJsonBody(request));
    const userId = await apiUserId(request);
    await setDefaultModel(db(), { userId, ...choice });
    return Response.json({ setup: await getModelSetup(db(), userId) });
  });
}
