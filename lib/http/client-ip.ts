/** The client's address as Next's server reports it (x-forwarded-for's first entry). */
export function clientIp(headers: Headers | ((name: string) => string | undefined)): string {
  const get = typeof headers === "function" ? headers : (name: string) => headers.get(name) ?? undefined;
  return get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}
