import { CLIENT_IP_HEADER } from "./forwarded";

/** The client's address as Baton's web server determined it (lib/http/forwarded.ts). */
export function clientIp(headers: Headers | ((name: string) => string | undefined)): string {
  const get = typeof headers === "function" ? headers : (name: string) => headers.get(name) ?? undefined;
  return get(CLIENT_IP_HEADER) || "unknown";
}
