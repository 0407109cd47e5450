import { requestCookie } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { withUser } from "@/lib/http/api-route";
import { handBack } from "@/lib/takeover/hand-back";
import { handBackSchema } from "@/lib/takeover/takeovers";
import { heldTakeoverOrThrow, takeoverCookieName } from "@/lib/takeover/takeover-session";

// POST /api/takeovers/:id/hand-back - the person is done: the agent goes on, with their note
export const POST = withUser<{ id: string }>(async ({ user, params, body, request }) => {
  await heldTakeoverOrThrow(db(), { userId: user.id, takeoverId: params.id, cookie: requestCookie(request, takeoverCookieName(params.id)) });
  const { note } = await body(handBackSchema);
  await handBack({ db: db(), engine: taskDispatcher() }, { userId: user.id, userName: user.name, takeoverId: params.id, note });
  return Response.json({ handedBack: true });
});
