import { requireApiUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { readJsonBody, respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { pushConfig } from "@/lib/push/push-config";
import { getPushSettings, removeSubscription, saveSubscription, setSubscriptionKinds } from "@/lib/push/subscriptions";

// GET /api/push - whether notifications can be sent, the key to subscribe with, and this device's settings
export async function GET(request: Request) {
  return respond(async () => {
    const user = await requireApiUser(request);
    const config = await pushConfig(db());
    const device = await getPushSettings(db(), { userId: user.id, deviceId: user.deviceId });
    return Response.json({
      available: config.enabled,
      reason: config.enabled ? null : config.reason,
      publicKey: config.enabled ? config.vapid.publicKey : config.publicKey,
      device,
    });
  });
}

// PUT /api/push - this device's subscription ({subscription: PushSubscription.toJSON(), kinds})
export async function PUT(request: Request) {
  return respond(async () => {
    assertSameOrigin(request);
    const user = await requireApiUser(request);
    return Response.json({ device: await saveSubscription(db(), { userId: user.id, deviceId: user.deviceId, body: await readJsonBody(request), allowlist: env().BATON_PUSH_ALLOWLIST }) });
  });
}

// PATCH /api/push - which kinds this device gets ({kinds: ["approval", "completed", …]})
export async function PATCH(request: Request) {
  return respond(async () => {
    assertSameOrigin(request);
    const user = await requireApiUser(request);
    const body = (await readJsonBody(request)) as { kinds?: unknown };
    return Response.json({ device: await setSubscriptionKinds(db(), { userId: user.id, deviceId: user.deviceId, kinds: body?.kinds }) });
  });
}

// DELETE /api/push - notifications off on this device
export async function DELETE(request: Request) {
  return respond(async () => {
    assertSameOrigin(request);
    const user = await requireApiUser(request);
    await removeSubscription(db(), { userId: user.id, deviceId: user.deviceId });
    return new Response(null, { status: 204 });
  });
}
