// The http_request tool end to end against a local server on 127.0.0.1. DNS is always the
// injected fake, and a guard on net.Socket#connect fails the test before any socket dials an
// address other than 127.0.0.1, so a regression in the SSRF guard cannot leak traffic.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createHttpRequestTool, httpRequestInput, MAX_RESPONSE_BYTES, type HttpRequestToolOptions } from "@/lib/tools/http/http-request-tool";
import type { LookupFn, ResolvedAddress } from "@/lib/tools/http/ssrf-guard";
import { ToolError, type ToolContext } from "@/lib/tools/types";
import { testToolContext } from "../support/tool-context";

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const seen: Seen[] = [];
const dialed: string[] = [];
let server: http.Server;
let origin: string;
let port: number;

function handle(request: http.IncomingMessage, response: http.ServerResponse, body: string) {
  const url = new URL(request.url ?? "/", "http://local");
  const json = (status: number, value: unknown) => {
    response.writeHead(status, { "content-type": "application/json", "x-internal-secret": "s3cret" });
    response.end(JSON.stringify(value));
  };
  const chain = /^\/chain\/(\d+)$/.exec(url.pathname);
  if (chain) {
    const left = Number(chain[1]);
    response.writeHead(302, { location: left > 1 ? `/chain/${left - 1}` : "/json" });
    return response.end();
  }
  switch (url.pathname) {
    case "/json":
      return json(200, { hello: "world", items: [1, 2, 3] });
    case "/echo":
      return json(200, { method: request.method, headers: request.headers, body });
    case "/text":
      response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      return response.end("plain words");
    case "/binary":
      response.writeHead(200, { "content-type": "image/png" });
      return response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    case "/redirect":
      response.writeHead(Number(url.searchParams.get("status") ?? 302), { location: url.searchParams.get("to") ?? "/json" });
      return response.end();
    case "/big": {
      response.writeHead(200, { "content-type": "text/plain" });
      const chunk = "a".repeat(64 * 1024);
      for (let i = 0; i < 32; i += 1) response.write(chunk);
      return response.end();
    }
    case "/gzip-bomb":
      response.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" });
      return response.end(zlib.gzipSync(Buffer.alloc(8 * MAX_RESPONSE_BYTES, "z")));
    case "/hang":
      return; // never answers
    default:
      return json(404, { error: "not found" });
  }
}

beforeAll(async () => {
  const connect = net.Socket.prototype.connect;
  vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    // Node passes either (options, cb), (port, host, cb) or an internal [options, cb] array.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const host = typeof first === "object" && first !== null ? (first as { host?: unknown }).host : args[1];
    dialed.push(String(host));
    if (host !== "127.0.0.1") throw new Error(`Test tried to connect to ${String(host)}; only 127.0.0.1 is allowed`);
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect);

  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: request.method ?? "", path: request.url ?? "", headers: request.headers, body });
      handle(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});

afterEach(() => {
  seen.length = 0;
  // Every socket a test opened went to 127.0.0.1 (the connect guard threw before any other dial).
  const elsewhere = dialed.splice(0).filter((host) => host !== "127.0.0.1");
  expect(elsewhere).toEqual([]);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  vi.restoreAllMocks();
});

/** A resolver that answers from a table (one answer per call, the last repeating) and counts calls. */
function fakeDns(table: Record<string, string[][]>) {
  const counts = new Map<string, number>();
  return vi.fn<LookupFn>(async (hostname) => {
    const answers = table[hostname];
    const count = counts.get(hostname) ?? 0;
    counts.set(hostname, count + 1);
    const answer = answers?.[count] ?? answers?.at(-1);
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return answer.map((address): ResolvedAddress => ({ address, family: address.includes(":") ? 6 : 4 }));
  });
}

function context(httpAllowlist: string[]): ToolContext {
  return testToolContext({ httpAllowlist });
}

async function call(raw: unknown, allowlist: string[], options: HttpRequestToolOptions = {}) {
  const tool = createHttpRequestTool({ lookup: fakeDns({}), ...options });
  const result = await tool.run(tool.input.parse(raw), context(allowlist));
  return { ...result, output: result.output as { status: number; url: string; headers: Record<string, string>; body: unknown; truncated: boolean; redirects?: number; note?: string } };
}

async function refused(raw: unknown, allowlist: string[], options: HttpRequestToolOptions = {}): Promise<string> {
  const error = await call(raw, allowlist, options).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ToolError);
  return (error as ToolError).message;
}

const LOOPBACK = ["127.0.0.1/32:*"];

describe("http_request input", () => {
  const problems = (raw: unknown) => httpRequestInput.safeParse(raw).error?.issues.map((issue) => issue.message) ?? [];

  it("accepts only absolute http(s) URLs", () => {
    expect(problems({ url: "file:///etc/passwd" })).toEqual([expect.stringMatching(/only http:\/\/ and https:\/\/ URLs are supported, not file:/)]);
    expect(problems({ url: "ftp://ftp.example.com/file" })).toEqual([expect.stringMatching(/not ftp:/)]);
    expect(problems({ url: "/relative" })).toEqual([expect.stringMatching(/absolute URL/)]);
    expect(problems({ url: "https://example.com/a?b=c" })).toEqual([]);
    expect(httpRequestInput.parse({ url: "https://example.com" }).method).toBe("GET");
  });

  it("refuses Host, hop-by-hop headers, bad names and header injection", () => {
    expect(problems({ url: "https://example.com", headers: { Host: "internal" } })).toEqual(["Leave out the Host header: Baton sets it."]);
    expect(problems({ url: "https://example.com", headers: { "Transfer-Encoding": "chunked", Connection: "close" } })).toHaveLength(2);
    expect(problems({ url: "https://example.com", headers: { "bad name": "x" } })).toEqual([expect.stringMatching(/not a valid header name/)]);
    expect(problems({ url: "https://example.com", headers: { "X-A": "1\r\nX-B: 2" } })).toEqual([expect.stringMatching(/line breaks/)]);
    expect(problems({ url: "https://example.com", headers: { Authorization: "Bearer abc" } })).toEqual([]);
  });

  it("refuses a body on GET", () => {
    expect(problems({ url: "https://example.com", body: "x" })).toEqual([expect.stringMatching(/GET request cannot carry a body/)]);
    expect(problems({ url: "https://example.com", method: "POST", body: { a: [1, null] } })).toEqual([]);
  });

  it("classifies risk and idempotency by method and shows a target without secrets", () => {
    const tool = createHttpRequestTool();
    const input = (method: string) => httpRequestInput.parse({ url: "https://api.example.com/v1/items?id=7&api_key=abc123", method, ...(method === "GET" ? {} : { body: "x" }) });
    expect(["GET", "POST", "PUT", "DELETE"].map((method) => tool.risk(input(method)))).toEqual(["read", "external", "external", "destructive"]);
    expect(["GET", "POST", "PUT", "DELETE"].map((method) => tool.idempotent(input(method)))).toEqual([true, false, true, true]);
    expect(tool.target(input("DELETE"))).toBe("DELETE https://api.example.com/v1/items?id=7&api_key=%5Bredacted%5D");
    expect(tool.name).toBe("http_request");
  });
});

describe("the SSRF guard inside the tool", () => {
  it.each([
    ["http://127.0.0.1:PORT/json", /^Refused: 127\.0\.0\.1 is a loopback address; ask the admin to allowlist it with its port \(127\.0\.0\.1:\d+\) if this is intended\.$/],
    ["http://169.254.169.254/latest/meta-data", /169\.254\.169\.254 is a cloud metadata address/],
    ["http://[::ffff:127.0.0.1]:PORT/json", /IPv4-mapped address for 127\.0\.0\.1, a loopback/],
    ["http://2130706433:PORT/json", /127\.0\.0\.1 is a loopback/],
    ["http://[64:ff9b::7f00:1]:PORT/json", /NAT64 address for 127\.0\.0\.1, a loopback/],
    ["http://internal.test:PORT/json", /internal\.test resolves to 10\.0\.0\.5, which is a private address/],
  ])("refuses %s before connecting", async (template, message) => {
    const lookup = fakeDns({ "internal.test": [["10.0.0.5"]] });
    expect(await refused({ url: template.replace("PORT", String(port)) }, [], { lookup })).toMatch(message);
    expect(seen).toEqual([]);
    expect(dialed).toEqual([]);
  });

  it("reaches the local server only when 127.0.0.1/32:* is allowlisted", async () => {
    expect(await refused({ url: `${origin}/json` }, ["10.0.0.0/8", "localhost"])).toMatch(/loopback/);
    const { output, summary } = await call({ url: `${origin}/json` }, LOOPBACK);
    expect(output).toEqual({
      status: 200,
      url: `${origin}/json`,
      // Only allowlisted headers reach the model (the server also sent x-internal-secret).
      headers: { "content-type": "application/json" },
      body: { hello: "world", items: [1, 2, 3] },
      truncated: false,
    });
    expect(summary).toBe(`GET ${origin}/json → 200`);
    expect(seen.map((request) => request.path)).toEqual(["/json"]);
  });

  it("connects to the address it validated, not to a second DNS answer (rebinding)", async () => {
    // First answer allowlisted, second a loopback address outside the allowlist (and not listening).
    const lookup = fakeDns({ "rebind.test": [["127.0.0.1"], ["127.0.0.2"]] });
    const { output } = await call({ url: `http://rebind.test:${port}/echo` }, LOOPBACK, { lookup });
    expect(output.status).toBe(200);
    expect((output.body as { headers: Record<string, string> }).headers.host).toBe(`rebind.test:${port}`);
    expect(lookup).toHaveBeenCalledTimes(1);
    // A fresh call gets the second answer and is refused, which is what a second lookup would have met.
    expect(await refused({ url: `http://rebind.test:${port}/echo` }, LOOPBACK, { lookup })).toMatch(/rebind\.test resolves to 127\.0\.0\.2/);
    expect(dialed).toEqual(["127.0.0.1"]);
  });

  it("re-resolves and re-checks each redirect hop", async () => {
    const lookup = fakeDns({ "rebind.test": [["127.0.0.1"], ["127.0.0.2"]] });
    const message = await refused({ url: `http://rebind.test:${port}/redirect?to=/json` }, LOOPBACK, { lookup });
    expect(message).toMatch(/^After 1 redirect\(s\) to http:\/\/rebind\.test:\d+\/json: Refused: rebind\.test resolves to 127\.0\.0\.2/);
    expect(seen.map((request) => request.path)).toEqual(["/redirect?to=/json"]);
  });

  it.each([
    ["http://127.0.0.1:PORT/json", /127\.0\.0\.1 is a loopback address/],
    ["http://169.254.169.254/latest/meta-data", /cloud metadata address/],
    ["http://[::ffff:127.0.0.1]:PORT/json", /IPv4-mapped address for 127\.0\.0\.1/],
    ["http://2130706433:PORT/json", /127\.0\.0\.1 is a loopback address/],
    ["http://[64:ff9b::7f00:1]:PORT/json", /NAT64 address for 127\.0\.0\.1/],
    ["http://internal.test:PORT/json", /10\.0\.0\.5, which is a private address/],
    ["http://rebind.test:PORT/json", /127\.0\.0\.2, which is a loopback address/],
    ["file:///etc/passwd", /redirected to file:\/\/\/etc\/passwd, which was not followed\. Refused: only http/],
    ["ftp://ftp.example.com/pub", /redirected to ftp:\/\/ftp\.example\.com\/pub, which was not followed/],
  ])("refuses a redirect from an allowed server to %s", async (template, message) => {
    // The server is reached by an allowlisted name; the raw loopback address is not allowlisted.
    const lookup = fakeDns({ "local.test": [["127.0.0.1"]], "internal.test": [["10.0.0.5"]], "rebind.test": [["127.0.0.2"]] });
    const target = encodeURIComponent(template.replace("PORT", String(port)));
    expect(await refused({ url: `http://local.test:${port}/redirect?to=${target}` }, [`local.test:${port}`], { lookup })).toMatch(message);
    expect(seen).toHaveLength(1);
  });
});

describe("requests and responses", () => {
  it("POSTs a JSON body with a default content type and custom headers", async () => {
    const { output } = await call({ url: `${origin}/echo`, method: "POST", body: { name: "Ada", tags: ["x"] }, headers: { "X-Trace": "t1" } }, LOOPBACK);
    const echoed = output.body as { method: string; headers: Record<string, string>; body: string };
    expect(echoed.method).toBe("POST");
    expect(JSON.parse(echoed.body)).toEqual({ name: "Ada", tags: ["x"] });
    expect(echoed.headers).toMatchObject({ "content-type": "application/json", "x-trace": "t1", "content-length": "27", host: `127.0.0.1:${port}` });
  });

  it("sends the call's idempotency key with writes (a model's own key wins), not with reads", async () => {
    const echoedHeaders = async (raw: Record<string, unknown>) =>
      ((await call({ url: `${origin}/echo`, ...raw }, LOOPBACK)).output.body as { headers: Record<string, string> }).headers;
    for (const method of ["POST", "PUT", "DELETE"]) expect((await echoedHeaders({ method }))["idempotency-key"]).toBe("baton-test-call");
    expect((await echoedHeaders({ method: "POST", headers: { "Idempotency-Key": "order-17" } }))["idempotency-key"]).toBe("order-17");
    expect(await echoedHeaders({})).not.toHaveProperty("idempotency-key");
  });

  it("sends a string body as text and reads text, binary and forced formats", async () => {
    const put = await call({ url: `${origin}/echo`, method: "PUT", body: "hello" }, LOOPBACK);
    expect((put.output.body as { body: string; headers: Record<string, string> }).headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect((await call({ url: `${origin}/text` }, LOOPBACK)).output.body).toBe("plain words");
    const binary = await call({ url: `${origin}/binary` }, LOOPBACK);
    expect(binary.output.body).toBeNull();
    expect(binary.output.note).toMatch(/Binary response \(image\/png, 8 bytes\)/);
    expect((await call({ url: `${origin}/json`, as: "text" }, LOOPBACK)).output.body).toBe('{"hello":"world","items":[1,2,3]}');
    const notJson = await call({ url: `${origin}/text`, as: "json" }, LOOPBACK);
    expect(notJson.output).toMatchObject({ body: "plain words", note: expect.stringMatching(/not valid JSON/) });
  });

  it("follows a chain of redirects up to five and stops after that", async () => {
    const { output, summary } = await call({ url: `${origin}/chain/5` }, LOOPBACK);
    expect(output).toMatchObject({ status: 200, url: `${origin}/json`, redirects: 5, body: { hello: "world" } });
    expect(summary).toBe(`GET ${origin}/chain/5 → 200 via 5 redirect(s)`);
    seen.length = 0;
    expect(await refused({ url: `${origin}/chain/6` }, LOOPBACK)).toMatch(/Stopped after 5 redirects/);
    expect(seen).toHaveLength(6);
  });

  it("drops Authorization and Cookie on a cross-origin redirect but keeps them on the same origin", async () => {
    const lookup = fakeDns({ "a.test": [["127.0.0.1"]], "b.test": [["127.0.0.1"]] });
    const headers = { Authorization: "Bearer token-123", Cookie: "sid=1", "X-Keep": "yes" };
    const to = (url: string) => `http://a.test:${port}/redirect?to=${encodeURIComponent(url)}`;

    const cross = await call({ url: to(`http://b.test:${port}/echo`), headers }, LOOPBACK, { lookup });
    const crossHeaders = (cross.output.body as { headers: Record<string, string> }).headers;
    expect(crossHeaders).toMatchObject({ host: `b.test:${port}`, "x-keep": "yes" });
    expect(crossHeaders).not.toHaveProperty("authorization");
    expect(crossHeaders).not.toHaveProperty("cookie");

    const same = await call({ url: to("/echo"), headers }, LOOPBACK, { lookup });
    expect((same.output.body as { headers: Record<string, string> }).headers).toMatchObject({ authorization: "Bearer token-123", cookie: "sid=1" });
  });

  it("turns a POST into a GET on 303, keeps it on a same-origin 307, and does not carry it to another origin", async () => {
    const lookup = fakeDns({ "b.test": [["127.0.0.1"]] });
    const post = (status: number, to: string) => call({ url: `${origin}/redirect?status=${status}&to=${encodeURIComponent(to)}`, method: "POST", body: { a: 1 } }, LOOPBACK, { lookup });

    const seeOther = (await post(303, "/echo")).output.body as { method: string; body: string; headers: Record<string, string> };
    expect(seeOther).toMatchObject({ method: "GET", body: "" });
    expect(seeOther.headers).not.toHaveProperty("content-type");

    const temporary = (await post(307, "/echo")).output.body as { method: string; body: string };
    expect(temporary).toMatchObject({ method: "POST", body: '{"a":1}' });

    seen.length = 0;
    const elsewhere = await post(307, `http://b.test:${port}/echo`);
    expect(elsewhere.output).toMatchObject({ status: 307, headers: { location: `http://b.test:${port}/echo` }, note: expect.stringMatching(/^Not followed/) });
    expect(seen).toHaveLength(1);
    expect(lookup).not.toHaveBeenCalled();
  });

  it("caps the body at 1 MiB and says it was truncated", async () => {
    const { output, summary } = await call({ url: `${origin}/big` }, LOOPBACK);
    expect(output.truncated).toBe(true);
    expect(output.body).toBe("a".repeat(MAX_RESPONSE_BYTES));
    expect(summary).toMatch(/truncated at 1048576 bytes/);
  });

  it("counts decompressed bytes, so a gzip bomb is cut at the cap too", async () => {
    const { output } = await call({ url: `${origin}/gzip-bomb` }, LOOPBACK);
    expect(output.truncated).toBe(true);
    expect((output.body as string).length).toBe(MAX_RESPONSE_BYTES);
  });

  it("gives up when the whole request takes too long", async () => {
    const started = Date.now();
    expect(await refused({ url: `${origin}/hang` }, LOOPBACK, { totalTimeoutMs: 300 })).toBe(`Timed out after 0.3 s waiting for ${origin}.`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("reports a refused connection", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await refused({ url: `http://127.0.0.1:${closedPort}/` }, LOOPBACK)).toBe(`127.0.0.1:${closedPort} refused the connection.`);
  });

  it("dials the pinned address but keeps the host name for TLS (SNI)", async () => {
    let hello: Buffer = Buffer.alloc(0);
    const tlsSink = net.createServer((socket) => {
      socket.once("data", (chunk: Buffer) => {
        hello = chunk;
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => tlsSink.listen(0, "127.0.0.1", resolve));
    const sinkPort = (tlsSink.address() as AddressInfo).port;
    const lookup = fakeDns({ "secure.test": [["127.0.0.1"]] });
    try {
      expect(await refused({ url: `https://secure.test:${sinkPort}/` }, LOOPBACK, { lookup })).toMatch(/request to https:\/\/secure\.test:\d+ failed/);
      expect(hello.includes(Buffer.from("secure.test"))).toBe(true);
      expect(lookup).toHaveBeenCalledTimes(1);
    } finally {
      await new Promise((resolve) => tlsSink.close(resolve));
    }
  });
});

describe("text in a declared charset", () => {
  it("keeps windows-1252's curly quotes and euro sign (Node decodes 0x80-0x9F as control characters)", async () => {
    const { decodeText } = await import("@/lib/tools/http/response-body");
    const bytes = Buffer.from([0x93, 0x43, 0x61, 0x66, 0xe9, 0x94, 0x20, 0x80, 0x35]);
    expect(decodeText(bytes, "text/plain; charset=windows-1252")).toBe("\u201CCaf\u00E9\u201D \u20AC5");
    expect(decodeText(bytes, "text/plain; charset=iso-8859-1")).toBe("\u201CCaf\u00E9\u201D \u20AC5");
  });
});
