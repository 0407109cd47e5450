// Which requests Baton answers at all, and which may change state. The Host header must name this
// machine or BATON_PUBLIC_URL's host (which defeats DNS rebinding), and a state-changing request
// from a browser must come from Baton's own origin: browsers send Origin on every POST, so a
// foreign or "null" origin is a cross-site request and refused. Requests without Origin come from
// programs, not browsers, and still need a session.
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export type RequestVerdict = { ok: true } | { ok: false; message: string };

function allowedOrigins(host: string): string[] | null {
  const publicUrl = env().BATON_PUBLIC_URL ? new URL(env().BATON_PUBLIC_URL!) : null;
  if (publicUrl && publicUrl.host === host) return [publicUrl.origin];
  const hostname = host.replace(/:\d+$/, "");
  if (LOOPBACK_HOSTS.has(hostname)) return [`http://${host}`, `https://${host}`];
  return null;
}

export function checkRequestOrigin(method: string, headers: Headers): RequestVerdict {
  const origins = allowedOrigins(headers.get("host") ?? "");
  // Next.js and next-auth build URLs from X-Forwarded-Host when it is there: it must pass too.
  const forwardedHost = headers.get("x-forwarded-host");
  if (!origins || (forwardedHost !== null && forwardedHost !== headers.get("host") && !allowedOrigins(forwardedHost))) {
    return { ok: false, message: "Baton only answers requests addressed to its own address (set BATON_PUBLIC_URL to serve another)." };
  }
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return { ok: true };
  const origin = headers.get("origin");
  if (origin !== null && !origins.includes(origin)) return { ok: false, message: "Cross-site requests are refused." };
  return { ok: true };
}

export function assertSameOrigin(request: Request): void {
  const verdict = checkRequestOrigin(request.method, request.headers);
  if (!verdict.ok) throw new AppError("FORBIDDEN", { message: verdict.message });
}
