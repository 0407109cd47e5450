// Runs before every route: refuses requests for other hosts and cross-site writes, and sends
// visitors without a session cookie to sign-in. Pages and routes still check the session itself
// (a cookie may be revoked); this only keeps the front door shut early.
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE_NAMES } from "@/lib/auth/session-cookie";
import { checkRequestOrigin } from "@/lib/http/same-origin";

const PUBLIC_PATHS = ["/sign-in", "/setup", "/pair", "/invite/", "/api/auth/", "/api/health", "/api/approvals/token-decision", "/approvals/link", "/api/inngest", "/api/hooks/", "/demo/", "/offline.html", "/sw.js", "/manifest.webmanifest"];

const isPublic = (pathname: string) => PUBLIC_PATHS.some((path) => pathname === path || (path.endsWith("/") && pathname.startsWith(path)));

export function proxy(request: NextRequest) {
  const verdict = checkRequestOrigin(request.method, request.headers);
  if (!verdict.ok) return Response.json({ error: { code: "FORBIDDEN", message: verdict.message } }, { status: 403 });

  const { pathname, search } = request.nextUrl;
  if (isPublic(pathname) || SESSION_COOKIE_NAMES.some((name) => request.cookies.has(name))) return NextResponse.next();
  if (pathname.startsWith("/api/")) {
    return Response.json({ error: { code: "UNAUTHORIZED", message: "Sign in to Baton first." } }, { status: 401 });
  }
  const signIn = new URL("/sign-in", request.url);
  if (pathname !== "/") signIn.searchParams.set("next", `${pathname}${search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|icons/|favicon.ico).*)"],
};
