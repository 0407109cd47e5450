"use server";

import { createOwner } from "@/lib/auth/owner-setup";
import { db } from "@/lib/db";
import type { FieldErrors } from "@/lib/errors";
import { actionError } from "@/lib/http/action-error";

export interface SetupState {
  message?: string;
  fieldErrors?: FieldErrors;
  created?: boolean;
}

export async function setUpOwnerAction(input: { name: string; email: string; password: string }): Promise<SetupState> {
  try {
    await createOwner(db(), input);
    return { created: true };
  } catch (error) {
    const appError = actionError(error);
    return { message: appError.message, fieldErrors: appError.fieldErrors };
  }
}
