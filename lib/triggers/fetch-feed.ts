// A feed trigger's conditional GET, through the same SSRF guard as the tools: If-None-Match and
// If-Modified-Since from the last answer, so an unchanged feed costs a 304 and no parsing.
import { httpRequestInput, sendGuarded, type HttpRequestToolOptions } from "@/lib/tools/http/http-request-tool";
import { MAX_FETCHED_BYTES } from "@/lib/tools/feeds/fetch-text";

export type FeedAnswer =
  | { status: "not-modified" }
  | { status: "ok"; bytes: Uint8Array; contentType: string | null; etag: string | null; lastModified: string | null };

export type FetchFeed = (url: string, validators: { etag: string | null; lastModified: string | null }) => Promise<FeedAnswer>;

/** `allowlist`: hosts the admin lets Baton reach despite the guard (BATON_HTTP_ALLOWLIST). */
export function guardedFeedFetcher(params: { allowlist: string[]; options?: HttpRequestToolOptions }): FetchFeed {
  return async (url, validators) => {
    const headers: Record<string, string> = { accept: "application/rss+xml, application/atom+xml, application/xml, text/xml;q=0.9, */*;q=0.5" };
    if (validators.etag) headers["if-none-match"] = validators.etag;
    if (validators.lastModified) headers["if-modified-since"] = validators.lastModified;
    const context = { httpAllowlist: params.allowlist, idempotencyKey: "" };
    const { response } = await sendGuarded(httpRequestInput.parse({ url, method: "GET", headers }), context, { maxResponseBytes: MAX_FETCHED_BYTES, ...params.options });
    const host = new URL(url).host;
    if (response.status === 304) return { status: "not-modified" };
    if (response.status < 200 || response.status > 299) throw new Error(`${host} answered ${response.status}.`);
    if (response.undecodable) throw new Error(`${host} compressed the feed with ${response.undecodable}, which Baton cannot decode.`);
    if (response.truncated) throw new Error(`The feed at ${host} is larger than ${MAX_FETCHED_BYTES} bytes.`);
    const header = (name: string) => {
      const value = response.headers[name];
      return (Array.isArray(value) ? value[0] : value) ?? null;
    };
    return { status: "ok", bytes: response.body, contentType: header("content-type"), etag: header("etag"), lastModified: header("last-modified") };
  };
}
