import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { withUser } from "@/lib/http/api-route";
import { readJsonBody } from "@/lib/http/respond";
import { pushConfig } from "@/lib/push/push-config";
import { getPushSettings, removeSubscription, saveSubscription, setSubscriptionKinds } from "@/lib/push/subscriptions";

// GET /api/push - whether notifications can be sent, the key to subscribe with, and this device's settings
export const GET = withUser(async ({ user }) => {
  const config = await pushConfig(db());
  const device = await getPushSettings(db(), { userId: user.id, deviceId: user.deviceId });
  return Response.json({
    available: config.enabled,
    reason: config.enabled ? null : config.reason,
    publicKey: config.enabled ? config.vapid.publicKey : config.publicKey,
    device,
  });
});

// PUT /api/push - this device's subscription ({subscription: PushSubscription.toJSON(), kinds})
export const PUT = withUser(async ({ request, user }) => {
  const body = await readJsonBody(request);
  return Response.json({ device: await saveSubscription(db(), { userId: user.id, deviceId: user.deviceId, body, allowlist: env().BATON_PUSH_ALLOWLIST }) });
});

// PATCH /api/push - which kinds this device gets ({kinds: ["approval", "completed", …]})
export const PATCH = withUser(async ({ request, user }) => {
  const body = (await readJsonBody(request)) as { kinds?: unknown };
  return Response.json({ device: await setSubscriptionKinds(db(), { userId: user.id, deviceId: user.deviceId, kinds: body?.kinds }) });
});

// DELETE /api/push - notifications off on this device
export const DELETE = withUser(async ({ user }) => {
  await removeSubscription(db(), { userId: user.id, deviceId: user.deviceId });
  return new Response(null, { status: 204 });
});
