import { env } from "@/lib/env";

/** The origin people reach Baton at: BATON_PUBLIC_URL, or else the Host this request came to. */
export function publicOrigin(headers: Headers): string {
  const configured = env().BATON_PUBLIC_URL;
  if (configured) return new URL(configured).origin;
  const proto = headers.get("x-forwarded-proto") === "https" ? "https" : "http";
  return `${proto}://${headers.get("host") ?? "localhost"}`;
}
