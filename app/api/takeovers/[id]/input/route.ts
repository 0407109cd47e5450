import { requestCookie } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { liveInputSchema } from "@/lib/takeover/live-input";
import { forwardToRelay } from "@/lib/takeover/live-proxy";
import { heldTakeoverOrThrow, takeoverCookieName } from "@/lib/takeover/takeover-session";

// POST /api/takeovers/:id/input - a tap, scroll, text or key for the worker's page (page pixels)
export const POST = withUser<{ id: string }>(async ({ user, params, body, request }) => {
  await heldTakeoverOrThrow(db(), { userId: user.id, takeoverId: params.id, cookie: requestCookie(request, takeoverCookieName(params.id)) });
  const input = await body(liveInputSchema);
  return forwardToRelay(db(), { userId: user.id, takeoverId: params.id, path: "input", init: { method: "POST", body: JSON.stringify(input), headers: { "content-type": "application/json" } } });
});
