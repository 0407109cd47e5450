"use server";

import { acceptInvitation } from "@/lib/auth/invitations";
import { db } from "@/lib/db";
import type { FieldErrors } from "@/lib/errors";
import { actionError } from "@/lib/http/action-error";

export async function acceptInvitationAction(token: string, input: { name: string; password: string }): Promise<{ message?: string; fieldErrors?: FieldErrors }> {
  try {
    await acceptInvitation(db(), { token, name: input.name, password: input.password });
    return {};
  } catch (error) {
    const appError = actionError(error);
    return { message: appError.message, fieldErrors: appError.fieldErrors };
  }
}
