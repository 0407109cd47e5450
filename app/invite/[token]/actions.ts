"use server";

import { acceptInvitation } from "@/lib/auth/invitations";
import { db } from "@/lib/db";
import { toAppError, type FieldErrors } from "@/lib/errors";

export async function acceptInvitationAction(token: string, input: { name: string; password: string }): Promise<{ message?: string; fieldErrors?: FieldErrors }> {
  try {
    await acceptInvitation(db(), { token, name: input.name, password: input.password });
    return {};
  } catch (error) {
    const appError = toAppError(error);
    return { message: appError.message, fieldErrors: appError.fieldErrors };
  }
}
