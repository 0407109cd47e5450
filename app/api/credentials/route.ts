import { db } from "@/lib/db";
import { createCredential, listCredentials } from "@/lib/credentials/manage-credentials";
import { createCredentialInput } from "@/lib/credentials/schemas";
import { withUser } from "@/lib/http/api-route";

// GET /api/credentials - the user's credentials: user names and origins, never a password or TOTP secret
export const GET = withUser(async ({ user }) => Response.json({ credentials: await listCredentials(db(), { userId: user.id }) }));

// POST /api/credentials - add { name, label, origins, username, password, totpSecret? }
export const POST = withUser(async ({ user, body }) => {
  const input = await body(createCredentialInput);
  return Response.json({ credential: await createCredential(db(), { userId: user.id, input }) }, { status: 201 });
});
