// The http_request tool: one HTTP call to the public internet, guarded against reaching Baton's
// own network (see ssrf-guard.ts). Redirects are followed by hand so every hop is checked again;
// the response is capped in size and time and handed back to the model as data.
import { z } from "zod";
import { ToolError, type ToolContext, type ToolDefinition } from "../types";
import { ConnectTimeoutError, exchange, type ExchangeResponse } from "./pinned-request";
import { showBody, shownHeaders } from "./response-body";
import { checkUrlShape, resolvePinnedAddress, type LookupFn } from "./ssrf-guard";

export const MAX_RESPONSE_BYTES = 1024 * 1024;
export const TOTAL_TIMEOUT_MS = 20_000;
export const CONNECT_TIMEOUT_MS = 10_000;
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate"];
const SET_BY_BATON = ["host", "content-length"];
/** Credentials that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ["authorization", "cookie"];
const SECRET_QUERY_PARAM = /key|token|secret|passw|sig|auth|credential|session/i;

const urlField = z
  .string()
  .trim()
  .max(8192)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Give an absolute URL starting with http:// or https://." });
      return;
    }
    try {
      checkUrlShape(url);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
    }
  });

const headersField = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) ctx.addIssue({ code: "custom", message: `"${name}" is not a valid header name.` });
    else if (SET_BY_BATON.includes(lower)) ctx.addIssue({ code: "custom", message: `Leave out the ${name} header: Baton sets it.` });
    else if (HOP_BY_HOP.includes(lower)) ctx.addIssue({ code: "custom", message: `The ${name} header is connection-level and cannot be set.` });
    if (/[\r\n\0]/.test(value)) ctx.addIssue({ code: "custom", message: `The value of ${name} must not contain line breaks.` });
  }
});

export const httpRequestInput = z
  .object({
    url: urlField.describe("Absolute http:// or https:// URL, including any query string."),
    method: z.enum(["GET", "POST", "PUT", "DELETE"]).default("GET").describe("HTTP method. GET reads; POST, PUT and DELETE change things and may need a person's approval."),
    headers: headersField.optional().describe('Request headers, e.g. {"Authorization": "Bearer …", "Accept": "application/json"}. Host, Content-Length and connection-level headers are set by Baton.'),
    body: z.json().optional().describe("Request body for POST, PUT or DELETE. A string is sent as-is (text/plain unless you set Content-Type); any other JSON value is sent as application/json."),
    as: z.enum(["json", "text"]).optional().describe('How to read the response body. Default: parse JSON when the server says it is JSON, text for other text types; binary bodies are not shown.'),
  })
  .superRefine((input, ctx) => {
    if (input.method === "GET" && input.body !== undefined) {
      ctx.addIssue({ code: "custom", path: ["body"], message: "A GET request cannot carry a body; use POST or PUT." });
    }
  });

export type HttpRequestInput = z.infer<typeof httpRequestInput>;

export interface HttpRequestToolOptions {
  /** DNS resolution; tests inject a fake so no real lookup happens. */
  lookup?: LookupFn;
  maxResponseBytes?: number;
  totalTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** The URL for timelines and approval cards, with secret-looking query values hidden. */
export function displayUrl(url: URL): string {
  const params = [...url.searchParams].map(([name, value]) => [name, SECRET_QUERY_PARAM.test(name) ? "[redacted]" : value]);
  const query = params.length > 0 ? `?${new URLSearchParams(params).toString()}` : "";
  return `${url.origin}${url.pathname}${query}`;
}

function requestHeaders(input: HttpRequestInput, idempotencyKey: string): Record<string, string> {
  const headers: Record<string, string> = { "user-agent": "Baton (http_request tool)", accept: "*/*", "accept-encoding": "gzip, deflate, br" };
  // A write sent again after a crash carries the same key, so the far side can tell it is a repeat.
  if (input.method !== "GET") headers["idempotency-key"] = idempotencyKey;
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  if (input.body !== undefined && !headers["content-type"]) {
    headers["content-type"] = typeof input.body === "string" ? "text/plain; charset=utf-8" : "application/json";
  }
  return headers;
}

function encodeBody(body: HttpRequestInput["body"]): Buffer | undefined {
  if (body === undefined) return undefined;
  return Buffer.from(typeof body === "string" ? body : JSON.stringify(body), "utf8");
}

function describeFailure(error: unknown, url: URL, deadline: AbortSignal, options: Limits): ToolError {
  if (error instanceof ToolError) return error;
  if (deadline.aborted) return new ToolError(`Timed out after ${options.totalTimeoutMs / 1000} s waiting for ${url.origin}.`, { cause: error });
  if (error instanceof ConnectTimeoutError) {
    return new ToolError(`Could not connect to ${url.host} within ${options.connectTimeoutMs / 1000} s.`, { cause: error });
  }
  const code = (error as { code?: unknown }).code;
  if (code === "ECONNREFUSED") return new ToolError(`${url.host} refused the connection.`, { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new ToolError(`The request to ${url.origin} failed: ${detail}`, { cause: error });
}

type Limits = Required<Omit<HttpRequestToolOptions, "lookup">>;

function limitsOf(options: HttpRequestToolOptions): Limits {
  return {
    maxResponseBytes: options.maxResponseBytes ?? MAX_RESPONSE_BYTES,
    totalTimeoutMs: options.totalTimeoutMs ?? TOTAL_TIMEOUT_MS,
    connectTimeoutMs: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
  };
}

export interface GuardedResponse {
  response: ExchangeResponse;
  /** Where the last hop went. */
  url: URL;
  redirects: number;
  /** Why a redirect was not followed, if one was not. */
  note?: string;
}

/**
 * One request through the SSRF guard, redirects followed by hand so every hop is checked again.
 * The body is raw bytes, capped at `maxResponseBytes`; the feed and calendar tools read it too.
 */
export async function sendGuarded(input: HttpRequestInput, context: Pick<ToolContext, "idempotencyKey" | "httpAllowlist" | "httpOpenings">, options: HttpRequestToolOptions = {}): Promise<GuardedResponse> {
  const limits = limitsOf(options);
  const deadline = AbortSignal.timeout(limits.totalTimeoutMs);
  let url = new URL(input.url);
  let method: string = input.method;
  let headers = requestHeaders(input, context.idempotencyKey);
  let body = encodeBody(input.body);
  let redirects = 0;
  let response: ExchangeResponse;
  let note: string | undefined;

  for (;;) {
    try {
      const address = await resolvePinnedAddress(url, { allowlist: context.httpAllowlist, openings: context.httpOpenings, lookup: options.lookup, signal: deadline });
      response = await exchange({ url, address, method, headers, body, maxBytes: limits.maxResponseBytes, connectTimeoutMs: limits.connectTimeoutMs, signal: deadline });
    } catch (error) {
      const failure = describeFailure(error, url, deadline, limits);
      if (redirects === 0) throw failure;
      throw new ToolError(`After ${redirects} redirect(s) to ${displayUrl(url)}: ${failure.message}`, { cause: failure });
    }

    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.status) || !location) break;
    let next: URL;
    try {
      next = new URL(location, url);
    } catch (error) {
      throw new ToolError(`${url.origin} redirected to an unreadable location: ${location.slice(0, 200)}`, { cause: error });
    }
    try {
      checkUrlShape(next);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new ToolError(`${url.origin} redirected to ${next.protocol}//${next.host}${next.pathname}, which was not followed. ${why}`, { cause: error });
    }
    if (redirects >= MAX_REDIRECTS) throw new ToolError(`Stopped after ${MAX_REDIRECTS} redirects (the next was to ${displayUrl(next)}).`);

    // 303, and 301/302 after a POST, turn into a body-less GET, as browsers do.
    const nextMethod = response.status === 303 || (method === "POST" && response.status <= 302) ? "GET" : method;
    const crossOrigin = next.origin !== url.origin;
    if (nextMethod !== "GET" && crossOrigin) {
      // The approval covered the original target; re-sending a change to another origin needs a new call.
      note = `Not followed: the server redirected this ${method} to ${displayUrl(next)}. Make a new request there if that is intended.`;
      break;
    }
    if (nextMethod !== method) {
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith("content-")));
    }
    if (crossOrigin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.includes(name)));
    url = next;
    method = nextMethod;
    redirects += 1;
  }

  return { response, url, redirects, ...(note === undefined ? {} : { note }) };
}

export function createHttpRequestTool(options: HttpRequestToolOptions = {}): ToolDefinition<typeof httpRequestInput> {
  const limits = limitsOf(options);

  return {
    name: "http_request",
    description:
      "Make one HTTP request to a public http(s) URL and get back the status, a few headers (content-type, location, …) and the body " +
      "(parsed JSON or text, at most 1 MiB, truncated: true if cut). Redirects are followed (up to 5). Requests to private, " +
      "loopback or cloud-metadata addresses are refused unless the admin has allowlisted them. Use GET to read; POST, PUT and " +
      "DELETE act on the remote service and may wait for a person's approval. Set `as` to force JSON or text.",
    input: httpRequestInput,
    risk: (input) => (input.method === "GET" ? "read" : input.method === "DELETE" ? "destructive" : "external"),
    reaches: (input) => input.url,
    idempotent: (input) => input.method !== "POST",
    target: (input) => `${input.method} ${displayUrl(new URL(input.url))}`,

    async run(input, context) {
      const { response, url, redirects, note } = await sendGuarded(input, context, options);
      const shown = response.undecodable
        ? { body: null, note: `The body uses ${response.undecodable} compression, which Baton cannot decode.` }
        : showBody(response.body, response.headers, input.as, response.truncated);
      const notes = [note, shown.note].filter((text): text is string => Boolean(text));
      const output = {
        status: response.status,
        url: url.href,
        headers: shownHeaders(response.headers),
        body: shown.body,
        truncated: response.truncated,
        ...(redirects > 0 ? { redirects } : {}),
        ...(notes.length > 0 ? { note: notes.join(" ") } : {}),
      };
      const via = redirects > 0 ? ` via ${redirects} redirect(s)` : "";
      const cut = response.truncated ? `, truncated at ${limits.maxResponseBytes} bytes` : "";
      return { output, summary: `${input.method} ${displayUrl(new URL(input.url))} → ${response.status}${via}${cut}` };
    },
  };
}

export const httpRequestTool = createHttpRequestTool();
