"use server";

import { createOwner } from "@/lib/auth/owner-setup";
import { db } from "@/lib/db";
import { publicAction, type ActionResult } from "@/lib/http/server-action";

/** The first owner's account; createOwner refuses once an owner exists, so this page's authority is that none does. */
export async function setUpOwnerAction(input: { name: string; email: string; password: string }): Promise<ActionResult> {
  return publicAction("set up owner", async () => {
    await createOwner(db(), input);
    return undefined;
  });
}
