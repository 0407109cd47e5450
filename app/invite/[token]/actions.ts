"use server";

import { acceptInvitation } from "@/lib/auth/invitations";
import { db } from "@/lib/db";
import { publicAction, type ActionResult } from "@/lib/http/server-action";

/** The invitation's single-use token is the authority: the person has no account yet. */
export async function acceptInvitationAction(token: string, input: { name: string; password: string }): Promise<ActionResult> {
  return publicAction("accept invitation", async () => {
    await acceptInvitation(db(), { token, name: input.name, password: input.password });
    return undefined;
  });
}
