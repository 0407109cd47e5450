// A device's Web Push subscription: one per device, replaced when the browser subscribes again,
// removed with the device or when the push service says it is gone.
import { z } from "zod";
import { directSql, type Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/respond";
import { notificationKinds, subscribedKinds } from "./notification-request";
import { urlAllowlisted } from "@/lib/tools/http/allowlist";
import { Prisma } from "@/lib/generated/prisma/client";

const base64url = z.string().regex(/^[A-Za-z0-9_-]+=*$/, "must be base64url");

export const pushKindsSchema = z.array(z.enum(notificationKinds)).max(notificationKinds.length).transform((kinds) => [...new Set(kinds)]);

/** PushSubscription.toJSON() from the browser, plus the kinds of notification wanted. */
export const subscriptionInput = z.object({
  subscription: z.object({
    endpoint: z
      .url({ message: "must be the push service's URL" })
      .max(2000)
      .refine((value) => /^https?:\/\//.test(value), "must be an http(s) URL"),
    keys: z.object({ p256dh: base64url.max(200), auth: base64url.max(100) }),
  }),
  kinds: pushKindsSchema.default([...notificationKinds]),
});

export interface PushSettings {
  enabled: boolean;
  kinds: string[];
}

export async function saveSubscription(db: Db, input: { userId: string; deviceId: string; body: unknown; allowlist: readonly string[] }): Promise<PushSettings> {
  const { subscription, kinds } = parseOrThrow(subscriptionInput, input.body);
  const endpoint = new URL(subscription.endpoint);
  if (endpoint.protocol !== "https:" && !urlAllowlisted(endpoint, input.allowlist)) {
    throw new AppError("BAD_REQUEST", { message: "Some fields need fixing.", fieldErrors: { "subscription.endpoint": ["Push services use https."] } });
  }
  const data = { userId: input.userId, endpoint: subscription.endpoint, p256dh: subscription.keys.p256dh, auth: subscription.keys.auth, kinds, lastFailure: null };
  await db.$transaction(async (tx) => {
    // An endpoint belongs to one browser. Held by another device of this person, that row is stale;
    // held by someone else, it stays theirs: signing out there removes it (lib/auth/devices.ts).
    const holder = await tx.pushSubscription.findUnique({ where: { endpoint: subscription.endpoint }, select: { userId: true, deviceId: true } });
    if (holder && holder.userId !== input.userId) {
      throw new AppError("CONFLICT", {
        message: "This browser gets notifications for another account. Sign that account out here first, then turn notifications on.",
      });
    }
    if (holder && holder.deviceId !== input.deviceId) await tx.pushSubscription.delete({ where: { endpoint: subscription.endpoint } });
    await tx.pushSubscription.upsert({ where: { deviceId: input.deviceId }, create: { ...data, deviceId: input.deviceId }, update: data });
  });
  return { enabled: true, kinds };
}

export async function setSubscriptionKinds(db: Db, input: { userId: string; deviceId: string; kinds: unknown }): Promise<PushSettings> {
  const kinds = parseOrThrow(pushKindsSchema, input.kinds);
  const result = await db.pushSubscription.updateMany({ where: { deviceId: input.deviceId, userId: input.userId }, data: { kinds } });
  if (!result.count) throw new AppError("NOT_FOUND", { message: "Notifications are off on this device. Turn them on first." });
  return { enabled: true, kinds };
}

export async function removeSubscription(db: Db, input: { userId: string; deviceId: string }): Promise<void> {
  await db.pushSubscription.deleteMany({ where: { deviceId: input.deviceId, userId: input.userId } });
}

export async function getPushSettings(db: Db, input: { userId: string; deviceId: string }): Promise<PushSettings> {
  const row = await db.pushSubscription.findFirst({ where: { deviceId: input.deviceId, userId: input.userId }, select: { kinds: true } });
  return row ? { enabled: true, kinds: row.kinds } : { enabled: false, kinds: [...notificationKinds] };
}

/** Whether anyone would receive this kind of notification (a device or by mail): most don't, and then no delivery starts. */
export async function hasSubscribers(db: Db, input: { userId: string; kind: string }): Promise<boolean> {
  // On the driver: lib/db.ts says why.
  const [row] = await directSql(db).query<{ any: boolean }>(Prisma.sql`SELECT ${subscribersExist(input)} AS any`);
  return row?.any === true;
}

/**
 * hasSubscribers as an SQL condition, for a statement that runs anyway (a run's end asks it of
 * every run, and most people have neither). The mail half is wantsMailNotice's condition
 * (lib/mail/mail-notices.ts).
 */
export function subscribersExist(input: { userId: string; kind: string }): Prisma.Sql {
  return Prisma.sql`(EXISTS (SELECT 1 FROM push_subscriptions WHERE user_id = ${input.userId}::uuid AND kinds && ${subscribedKinds(input.kind)}::text[])
    OR EXISTS (SELECT 1 FROM mail_accounts WHERE user_id = ${input.userId}::uuid AND ${input.kind}::text = ANY(notice_kinds)))`;
}
