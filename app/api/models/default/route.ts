import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { getModelSetup } from "@/lib/models/model-setup";
import { setDefaultModel } from "@/lib/models/save-model-connection";
import { defaultModelInput } from "@/lib/models/schemas";

// PUT /api/models/default - { provider, model }: the model new tasks use unless they name one
export const PUT = withUser(async ({ user, body }) => {
  await setDefaultModel(db(), { userId: user.id, ...(await body(defaultModelInput)) });
  return Response.json({ setup: await getModelSetup(db(), user.id) });
});
