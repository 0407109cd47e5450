// Whether this instance can send Web Push, and with which VAPID identity. The subject comes from
// BATON_VAPID_SUBJECT, or else the owner's email when it is a real address; keys are the
// instance's own (configured or generated on first start).
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";
import { instanceSecrets } from "@/lib/secrets/instance-secrets";
import { vapidConfigSchema, vapidSubjectSchema, type VapidConfig } from "./vapid";

export type PushConfig = { enabled: true; vapid: VapidConfig } | { enabled: false; reason: string; publicKey: string };

export async function pushConfig(db: Db): Promise<PushConfig> {
  const { vapidPublicKey, vapidPrivateKey } = await instanceSecrets(db);
  const configured = env().BATON_VAPID_SUBJECT;
  let subject = configured;
  if (!subject) {
    const owner = await db.user.findFirst({ where: { role: "owner" }, select: { email: true } });
    if (owner && vapidSubjectSchema.safeParse(`mailto:${owner.email}`).success) subject = `mailto:${owner.email}`;
  }
  if (!subject) {
    return { enabled: false, publicKey: vapidPublicKey, reason: "Set BATON_VAPID_SUBJECT to a contact address (mailto:you@example.com) to turn notifications on." };
  }
  const parsed = vapidConfigSchema.safeParse({ subject, publicKey: vapidPublicKey, privateKey: vapidPrivateKey });
  if (!parsed.success) return { enabled: false, publicKey: vapidPublicKey, reason: parsed.error.issues[0]?.message ?? "The VAPID settings are invalid." };
  return { enabled: true, vapid: parsed.data };
}
