"use server";
import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { takeoverLinkPath } from "@/lib/takeover/takeover-links";

/** From the task page: a fresh single-use link to the takeover the agent waits on, opened at once. */
export async function openTakeoverAction(takeoverId: string): Promise<void> {
  const user = await requireUser();
  const owned = await db().takeover.count({ where: { id: takeoverId, userId: user.id } });
  const path = owned ? await takeoverLinkPath(db(), takeoverId) : null;
  redirect(path ?? "/");
}
