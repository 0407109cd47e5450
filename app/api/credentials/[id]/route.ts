import { db } from "@/lib/db";
import { deleteCredential, updateCredential } from "@/lib/credentials/manage-credentials";
import { updateCredentialInput } from "@/lib/credentials/schemas";
import { withUser } from "@/lib/http/api-route";

type Params = { id: string };

// PUT /api/credentials/:id - edit { name, label, origins, username, password?, totpSecret?, removeTotp? }; a blank secret keeps the stored one
export const PUT = withUser<Params>(async ({ user, params, body }) => {
  const input = await body(updateCredentialInput);
  return Response.json({ credential: await updateCredential(db(), { userId: user.id, credentialId: params.id, input }) });
});

// DELETE /api/credentials/:id - delete it with its stored password and TOTP secret
export const DELETE = withUser<Params>(async ({ user, params }) => {
  await deleteCredential(db(), { userId: user.id, credentialId: params.id });
  return new Response(null, { status: 204 });
});
