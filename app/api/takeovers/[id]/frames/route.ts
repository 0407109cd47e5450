import { requestCookie } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { forwardToRelay } from "@/lib/takeover/live-proxy";
import { heldTakeoverOrThrow, takeoverCookieName } from "@/lib/takeover/takeover-session";

export const dynamic = "force-dynamic";

// GET /api/takeovers/:id/frames - the live view's frames (server-sent events) from the worker's page,
// for the browser that redeemed the link only (its takeover cookie)
export const GET = withUser<{ id: string }>(async ({ user, params, request }) => {
  await heldTakeoverOrThrow(db(), { userId: user.id, takeoverId: params.id, cookie: requestCookie(request, takeoverCookieName(params.id)) });
  return forwardToRelay(db(), { userId: user.id, takeoverId: params.id, path: "frames", init: { signal: request.signal } });
});
