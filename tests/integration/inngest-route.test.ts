// /api/inngest: the Inngest server's introspection request is answered, and outside dev mode any
// request not signed with INNGEST_SIGNING_KEY is refused before a function could run.
import { createHmac } from "node:crypto";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, test, vi } from "vitest";

const SIGNING_KEY = `signkey-prod-${"5e".repeat(32)}`;
const URL_ = "http://127.0.0.1:3000/api/inngest";
const FUNCTION_COUNT = 4;

/** The route as a fresh process would load it, with these variables set. */
async function loadRoute(variables: Record<string, string>) {
  vi.resetModules();
  for (const name of ["BATON_ENGINE", "INNGEST_DEV", "INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY", "INNGEST_BASE_URL"]) vi.stubEnv(name, "");
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
  return import("@/app/api/inngest/route");
}

/**
 * The X-Inngest-Signature the Inngest server sends: HMAC-SHA256, keyed with the signing key (less
 * its prefix), of the body in canonical JSON (RFC 8785: sorted keys) followed by the timestamp.
 */
function signature(body: string, key = SIGNING_KEY, at = Math.floor(Date.now() / 1000)): string {
  const signed = body === "" ? "" : canonicalJson(JSON.parse(body));
  const mac = createHmac("sha256", key.replace(/^signkey-\w+-/, "")).update(signed).update(String(at)).digest("hex");
  return `t=${at}&s=${mac}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const request = (method: string, options: { body?: string; headers?: Record<string, string>; query?: string } = {}) =>
  new NextRequest(`${URL_}${options.query ?? ""}`, { method, body: options.body, headers: { "content-type": "application/json", ...options.headers } });

// What the Inngest server POSTs to run a function: here the delivery of a notification for nobody,
// which plans nothing and ends (its one step reads the test database).
const notification = { id: `route-test-${Date.now()}`, kind: "completed", userId: "0199a1fe-0000-7000-8000-000000000001" };
const executionBody = JSON.stringify({
  event: { name: "baton/notification.requested", data: notification },
  events: [{ name: "baton/notification.requested", data: notification }],
  steps: {},
  ctx: { run_id: "01JROUTETEST", attempt: 0, disable_immediate_execution: false, use_api: false, stack: { stack: [], current: 0 } },
  version: 2,
});
const executionQuery = "?fnId=baton-deliver-notification&stepId=step";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("in production (Cloud) mode", () => {
  const production = { BATON_ENGINE: "inngest", INNGEST_SIGNING_KEY: SIGNING_KEY, INNGEST_EVENT_KEY: "test-event-key", INNGEST_DEV: "0" };

  test("a signed introspection request is answered with the app and its functions", async () => {
    const route = await loadRoute(production);
    const response = await route.GET(request("GET", { headers: { "x-inngest-signature": signature("") } }), {});
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ mode: "cloud", authentication_succeeded: true, app_id: "baton", function_count: FUNCTION_COUNT, has_signing_key: true });
  });

  test("a signed call runs the function, and the answer is signed too", async () => {
    const route = await loadRoute(production);
    const response = await route.POST(request("POST", { body: executionBody, query: executionQuery, headers: { "x-inngest-signature": signature(executionBody) } }), {});
    expect(response.status).toBe(206);
    expect(await response.json()).toEqual([expect.objectContaining({ op: "StepRun", displayName: "plan", data: null })]);
    expect(response.headers.get("x-inngest-signature")).toMatch(/^t=\d+&s=[0-9a-f]{64}$/);
  });

  test("an unsigned introspection request is refused", async () => {
    const route = await loadRoute(production);
    const response = await route.GET(request("GET"), {});
    expect(response.status).toBe(401);
    expect(JSON.stringify(await response.json())).not.toContain("function_count");
  });

  test("the same call unsigned, signed with another key, or signed long ago is refused", async () => {
    const route = await loadRoute(production);
    const unsigned = await route.POST(request("POST", { body: executionBody, query: executionQuery }), {});
    expect(unsigned.status).toBe(401);
    const forged = `signkey-prod-${"77".repeat(32)}`;
    const wrongKey = await route.POST(request("POST", { body: executionBody, query: executionQuery, headers: { "x-inngest-signature": signature(executionBody, forged) } }), {});
    expect(wrongKey.status).toBe(401);
    const stale = await route.POST(
      request("POST", { body: executionBody, query: executionQuery, headers: { "x-inngest-signature": signature(executionBody, SIGNING_KEY, Math.floor(Date.now() / 1000) - 3600) } }),
      {},
    );
    expect(stale.status).toBe(401);
  });

  test("without a signing key the route says what is missing, naming no value", async () => {
    const route = await loadRoute({ BATON_ENGINE: "inngest", INNGEST_EVENT_KEY: "test-event-key" });
    const response = await route.GET(request("GET"), {});
    expect(response.status).toBe(500);
    const { error } = (await response.json()) as { error: { message: string } };
    expect(error.message).toContain("INNGEST_SIGNING_KEY: required with BATON_ENGINE=inngest");
    expect(error.message).not.toContain("test-event-key");
  });
});

describe("in dev mode (INNGEST_DEV=1, the Inngest Dev Server)", () => {
  test("the introspection request is answered without a signature", async () => {
    const route = await loadRoute({ BATON_ENGINE: "inngest", INNGEST_DEV: "1" });
    const response = await route.GET(request("GET"), {});
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ mode: "dev", function_count: FUNCTION_COUNT });
  });
});

test("with BATON_ENGINE=dbos the route is off", async () => {
  const route = await loadRoute({ BATON_ENGINE: "dbos" });
  const response = await route.GET(request("GET"), {});
  expect(response.status).toBe(404);
});
