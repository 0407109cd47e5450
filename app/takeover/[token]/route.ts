import { NextResponse } from "next/server";
import { currentUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { clientIp } from "@/lib/http/client-ip";
import { withoutUser } from "@/lib/http/api-route";
import { publicOrigin } from "@/lib/http/public-origin";
import { claimTakeoverLink } from "@/lib/takeover/takeover-links";
import { takeoverSessionCookie } from "@/lib/takeover/takeover-session";

export const dynamic = "force-dynamic";

// GET /takeover/:token - the link in a "Baton needs you" push. A route, not a page, because
// redeeming it leaves the cookie that lets this browser reload the live view (a page cannot set one).
export const GET = withoutUser<{ token: string }>(async ({ request, params }) => {
  const origin = publicOrigin(request.headers);
  const user = await currentUser();
  if (!user) return NextResponse.redirect(`${origin}/sign-in?next=${encodeURIComponent(`/takeover/${params.token}`)}`, 303);
  const claim = await claimTakeoverLink(db(), { token: params.token, userId: user.id, ip: clientIp(request.headers) });
  if (!claim.ok) return NextResponse.redirect(`${origin}/takeovers/refused?why=${claim.refusal}`, 303);
  const response = NextResponse.redirect(`${origin}/takeovers/${claim.takeover.id}`, 303);
  const cookie = await takeoverSessionCookie(db(), claim.takeover, origin);
  response.cookies.set(cookie.name, cookie.value, cookie.options);
  return response;
});
