"use server";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { clientIp } from "@/lib/http/client-ip";
import { publicOrigin } from "@/lib/http/public-origin";
import { claimTakeoverLink, mintTakeoverLink } from "@/lib/takeover/takeover-links";
import { takeoverSessionCookie } from "@/lib/takeover/takeover-session";
import { isId } from "@/lib/validation/ids";

/**
 * From the task page: a fresh single-use link to the takeover the agent waits on, redeemed here at
 * once (a redirect to the link would be fetched twice by the action's navigation, and the second
 * fetch refused as a reuse), leaving this browser's takeover cookie.
 */
export async function openTakeoverAction(takeoverId: string): Promise<void> {
  const user = await requireUser();
  const takeover = isId(takeoverId) ? await db().takeover.findFirst({ where: { id: takeoverId, userId: user.id, status: "waiting" }, select: { id: true, expiresAt: true } }) : null;
  if (!takeover) redirect("/");
  const requestHeaders = await headers();
  const claim = await claimTakeoverLink(db(), { token: await mintTakeoverLink(db(), takeover), userId: user.id, ip: clientIp(requestHeaders) });
  if (!claim.ok) redirect(`/takeovers/refused?why=${claim.refusal}`);
  const cookie = await takeoverSessionCookie(db(), claim.takeover, publicOrigin(requestHeaders));
  (await cookies()).set(cookie.name, cookie.value, cookie.options);
  redirect(`/takeovers/${claim.takeover.id}`);
}
