// Sends one Web Push message (RFC 8030) and says what the caller should do next. web-push
// encrypts the payload (RFC 8291, aes128gcm) and signs the VAPID JWT; the request itself goes
// through the same SSRF-guarded, address-pinned client as the http_request tool, because the
// endpoint URL comes from a browser: web-push's own sender would dial any host it names,
// private addresses included. The endpoint's path is a capability (whoever knows it can push to
// the device), so outcomes describe the endpoint by origin only.
import webpush from "web-push";
import { ConnectTimeoutError, exchange, type ExchangeResponse } from "@/lib/tools/http/pinned-request";
import { urlAllowlisted } from "@/lib/tools/http/allowlist";
import { resolvePinnedAddress, systemLookup, type LookupFn, type ResolvedAddress } from "@/lib/tools/http/ssrf-guard";
import { MAX_PUSH_PLAINTEXT_BYTES, PushPayloadTooLargeError } from "./payload";
import { vapidConfigSchema, type VapidConfig } from "./vapid";

export const DEFAULT_PUSH_TIMEOUT_MS = 10_000;
/** Push services answer with a short status text or JSON; nothing larger is worth reading. */
const MAX_RESPONSE_BYTES = 16 * 1024;

export type PushUrgency = "very-low" | "low" | "normal" | "high";

export interface PushSubscriptionTarget {
  endpoint: string;
  /** The browser's P-256 public key, base64url (PushSubscription.toJSON().keys.p256dh). */
  p256dh: string;
  /** The browser's 16-byte auth secret, base64url. */
  auth: string;
}

export interface SendPushRequest {
  subscription: PushSubscriptionTarget;
  /** The plaintext, usually from encodePushPayload(); at most MAX_PUSH_PLAINTEXT_BYTES. */
  payload: Buffer;
  vapid: VapidConfig;
  /** How long the push service keeps the message for an offline device; 0 = deliver now or drop. */
  ttlSeconds: number;
  urgency: PushUrgency;
  /** Replaces an undelivered message with the same topic: up to 32 base64url characters. */
  topic?: string;
}

export interface SendPushOptions {
  /** Entries as BATON_HTTP_ALLOWLIST (lib/tools/http/allowlist.ts); also lets http: through. */
  allowlist?: readonly string[];
  timeoutMs?: number;
  /** DNS resolution; tests inject a fake so no real lookup happens. */
  lookup?: LookupFn;
}

export type PushOutcome =
  | { kind: "delivered"; status: number }
  /** The subscription expired or was revoked: delete it. */
  | { kind: "gone"; status: number }
  /** The push service refused this message (bad VAPID, too large, malformed): keep the subscription, do not retry. */
  | { kind: "rejected"; status: number; message: string }
  /** Try again later, after retryAfterMs when the service said so. */
  | { kind: "retry"; status: number | null; retryAfterMs: number | null; message: string }
  /** Not sent: the endpoint or keys are unusable, or the endpoint points somewhere Baton must not dial. */
  | { kind: "refused"; message: string };

const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

/** Throws for mistakes in Baton's own configuration or code; everything about the subscription becomes an outcome. */
function assertRequestShape(request: SendPushRequest): void {
  vapidConfigSchema.parse(request.vapid);
  if (!Number.isInteger(request.ttlSeconds) || request.ttlSeconds < 0) throw new RangeError(`ttlSeconds must be a whole number of seconds ≥ 0, not ${request.ttlSeconds}.`);
  if (request.topic !== undefined && !TOPIC.test(request.topic)) throw new RangeError("A push topic is 1 to 32 base64url characters (A-Z, a-z, 0-9, - and _).");
  if (request.payload.length > MAX_PUSH_PLAINTEXT_BYTES) throw new PushPayloadTooLargeError(request.payload.length);
}

/** Milliseconds to wait from a Retry-After header (delay-seconds or an HTTP-date), or null if absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Hides the endpoint's path segments and query wherever a push service or Node echoes them back. */
function scrubber(url: URL): (text: string) => string {
  const secrets = [url.pathname, url.search, ...url.pathname.split("/")].filter((part) => part.length >= 8);
  secrets.sort((a, b) => b.length - a.length);
  return (text) => secrets.reduce((result, secret) => result.split(secret).join("…"), text);
}

function responseDetail(response: ExchangeResponse, scrub: (text: string) => string): string {
  const text = response.body.toString("utf8").replace(/\s+/g, " ").trim();
  if (!text || response.undecodable) return "";
  return `: ${scrub(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`;
}

function outcomeFor(response: ExchangeResponse, origin: string, scrub: (text: string) => string): PushOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: "delivered", status };
  if (status === 404 || status === 410) return { kind: "gone", status };
  const said = `The push service at ${origin} answered ${status}${responseDetail(response, scrub)}`;
  if (status === 429 || status >= 500) {
    return { kind: "retry", status, retryAfterMs: parseRetryAfter(response.headers["retry-after"]), message: said };
  }
  // Redirects are not followed: a push service has no reason to send one, and the next hop would skip the guard.
  return { kind: "rejected", status, message: said };
}

/** Builds the encrypted, signed request with web-push; its headers become plain lower-case strings. */
function buildRequest(request: SendPushRequest, endpoint: URL): { headers: Record<string, string>; body: Buffer } {
  const details = webpush.generateRequestDetails(
    // The normalized href, so web-push's legacy url.parse() derives the same origin (the JWT audience) as the URL dialed.
    { endpoint: endpoint.href, keys: { p256dh: request.subscription.p256dh, auth: request.subscription.auth } },
    request.payload,
    {
      contentEncoding: "aes128gcm",
      vapidDetails: request.vapid,
      TTL: request.ttlSeconds,
      urgency: request.urgency,
      ...(request.topic ? { topic: request.topic } : {}),
    },
  );
  const headers = Object.fromEntries(Object.entries(details.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
  return { headers, body: details.body ?? Buffer.alloc(0) };
}

export async function sendPush(request: SendPushRequest, options: SendPushOptions = {}): Promise<PushOutcome> {
  assertRequestShape(request);
  const allowlist = options.allowlist ?? [];
  const timeoutMs = options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS;

  let url: URL;
  try {
    url = new URL(request.subscription.endpoint);
  } catch {
    return { kind: "refused", message: "The subscription's endpoint is not a URL." };
  }
  // Scheme and host only (URL#origin is "null" for schemes that have none).
  const origin = `${url.protocol}//${url.host}`;
  if (url.username || url.password) return { kind: "refused", message: `The endpoint at ${origin} carries credentials; a push endpoint never does.` };
  if (url.protocol === "http:" && !urlAllowlisted(url, allowlist)) {
    return { kind: "refused", message: `Refused: push endpoints must use https://, not ${origin} (plain http is allowed only for allowlisted hosts).` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { kind: "refused", message: `Refused: push endpoints must use https://, not ${url.protocol}.` };
  const scrub = scrubber(url);

  let built: { headers: Record<string, string>; body: Buffer };
  try {
    built = buildRequest(request, url);
  } catch (error) {
    // Bad keys from the browser: web-push's messages name the key, never its value.
    const why = error instanceof Error ? error.message : String(error);
    return { kind: "refused", message: `Could not encrypt for the subscription at ${origin}: ${scrub(why)}` };
  }

  const deadline = AbortSignal.timeout(timeoutMs);
  let dnsFailed = false;
  // A name that does not resolve (now) is worth retrying; a name that resolves somewhere private is not.
  const lookup: LookupFn = (hostname) =>
    (options.lookup ?? systemLookup)(hostname).then(
      (addresses) => {
        if (addresses.length === 0) dnsFailed = true;
        return addresses;
      },
      (error: unknown) => {
        dnsFailed = true;
        throw error;
      },
    );

  let address: ResolvedAddress;
  try {
    address = await resolvePinnedAddress(url, { allowlist, lookup, signal: deadline });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (deadline.aborted) return { kind: "retry", status: null, retryAfterMs: null, message: `Timed out after ${timeoutMs} ms resolving ${url.host}.` };
    if (dnsFailed) return { kind: "retry", status: null, retryAfterMs: null, message: scrub(why) };
    return { kind: "refused", message: scrub(why) };
  }

  try {
    const response = await exchange({ url, address, method: "POST", headers: built.headers, body: built.body, maxBytes: MAX_RESPONSE_BYTES, connectTimeoutMs: timeoutMs, signal: deadline });
    return outcomeFor(response, origin, scrub);
  } catch (error) {
    const retry = (message: string) => ({ kind: "retry" as const, status: null, retryAfterMs: null, message: scrub(message) });
    if (deadline.aborted) return retry(`Timed out after ${timeoutMs} ms waiting for the push service at ${origin}.`);
    if (error instanceof ConnectTimeoutError) return retry(`Could not connect to the push service at ${origin} within ${timeoutMs} ms.`);
    const code = (error as { code?: unknown }).code;
    const why = typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
    return retry(`The request to the push service at ${origin} failed: ${why}`);
  }
}
