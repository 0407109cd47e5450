"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { requireUser } from "@/lib/auth/current-user";
import { createInvitation, revokeInvitation } from "@/lib/auth/invitations";
import { db } from "@/lib/db";
import type { FieldErrors } from "@/lib/errors";
import { publicOrigin } from "@/lib/http/public-origin";
import { actionError } from "@/lib/http/action-error";

export interface InviteState {
  message?: string;
  fieldErrors?: FieldErrors;
  /** The link to hand over; shown once. */
  link?: string;
  /** What was typed, kept after a refusal. */
  email?: string;
}

export async function inviteAction(_previous: InviteState, form: FormData): Promise<InviteState> {
  try {
    const user = await requireUser();
    const { token } = await createInvitation(db(), { userId: user.id, email: form.get("email") });
    revalidatePath("/people");
    return { link: `${publicOrigin(await headers())}/invite/${token}` };
  } catch (error) {
    const appError = actionError(error);
    return { message: appError.message, fieldErrors: appError.fieldErrors, email: String(form.get("email") ?? "") };
  }
}

export async function revokeInvitationAction(invitationId: string): Promise<void> {
  const user = await requireUser();
  await revokeInvitation(db(), { userId: user.id, invitationId });
  revalidatePath("/people");
}
