import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { parseOrThrow, readJsonBody, respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { testModelConnection } from "@/lib/models/save-model-connection";
import { modelProviderInput } from "@/lib/models/schemas";

// POST /api/models/test - { provider }: one real call; { result: { ok, message } } with the provider's own error text
export async function POST(request: Request) {
  return respond(async () => {
    assertSameOrigin(request);
    const { provider } = parseOrThrow(modelProviderInput, await readJsonBody(request));
    return Response.json({ result: await testModelConnection(db(), { userId: await apiUserId(request), provider }) });
  });
}
