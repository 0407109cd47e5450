"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { createInvitation, revokeInvitation } from "@/lib/auth/invitations";
import { db } from "@/lib/db";
import { publicOrigin } from "@/lib/http/public-origin";
import { failureOf, userAction, type ActionFailure } from "@/lib/http/server-action";

export type InviteState = Partial<ActionFailure> & {
  /** The link to hand over; shown once. */
  link?: string;
  /** What was typed, kept after a refusal. */
  email?: string;
};

export async function inviteAction(_previous: InviteState, form: FormData): Promise<InviteState> {
  const result = await userAction("invite", async (user) => {
    const { token } = await createInvitation(db(), { userId: user.id, email: form.get("email") });
    revalidatePath("/people");
    return `${publicOrigin(await headers())}/invite/${token}`;
  });
  return result.ok ? { link: result.value } : { ...failureOf(result), email: String(form.get("email") ?? "") };
}

/** A plain form's action: nothing to show on success, and a failure (an invitation already gone) changes nothing. */
export async function revokeInvitationAction(invitationId: string): Promise<void> {
  await userAction("revoke invitation", async (user) => {
    await revokeInvitation(db(), { userId: user.id, invitationId });
    revalidatePath("/people");
  });
}
