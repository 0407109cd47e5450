// Baton listens on loopback only until sign-in exists; a page on another site could still make the
// browser post to it. State-changing requests must come from Baton's own origin, and the Host
// header must name this machine (which defeats DNS rebinding).
import { AppError } from "@/lib/errors";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function assertSameOrigin(request: Request): void {
  const host = request.headers.get("host") ?? "";
  const hostname = host.replace(/:\d+$/, "");
  if (!LOOPBACK_HOSTS.has(hostname)) {
    throw new AppError("FORBIDDEN", { message: "Baton only answers requests addressed to this machine." });
  }
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== `http://${host}`) {
    throw new AppError("FORBIDDEN", { message: "Cross-site requests are refused." });
  }
}
