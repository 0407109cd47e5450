// Every JSON route, fed what an attacker or a broken client sends: NUL and other control
// characters in each field, wrong types, huge strings, 20,000-deep nesting, not JSON at all, and
// ids that are not ids. Nothing may answer 5xx, and a refused request changes no row.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { createSchedule } from "@/lib/schedules/manage-schedules";
import { createPendingApproval, createSignedInUser, type SignedInUser } from "../support/factories";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Route {
  name: string;
  method: string;
  path: string;
  handler: Handler;
  params?: Record<string, string>;
  /** A body the route would take: each field in turn is replaced by something bad. */
  valid: Record<string, unknown>;
}

let user: SignedInUser;
let routes: Route[];

const DEEP = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
const BAD_VALUES: [string, unknown][] = [
  ["NUL", "before\u0000after"],
  ["a bell", "ding\u0007"],
  ["a lone surrogate", "half \ud800 of it"],
  ["true", true],
  ["a number", 12],
  ["an array", ["x"]],
  ["an object", { nested: "x" }],
  ["null", null],
  ["zero-width only", "\u200b\u200b\u200b"],
  ["2 MB", "x".repeat(2_000_000)],
];

beforeAll(async () => {
  user = await createSignedInUser(db(), "Fuzzer");
  const { taskId, approvalId } = await createPendingApproval(db(), { userId: user.userId, title: "Target" });
  const task = { id: taskId };
  const approval = { id: approvalId };
  const schedule = await createSchedule(db(), { userId: user.userId, title: "Fuzzed", prompt: "p", cron: "0 7 * * 1-5", timezone: "Europe/Berlin", missedRunPolicy: "skip" });
  const credentialFields = { name: "fuzzed-portal", label: "Fuzzed", origins: ["https://portal.example.com"], username: "ana" };
  const credential = await createCredential(db(), { userId: user.userId, input: { ...credentialFields, password: "fuzzed-password" } });
  // Route modules type their context per route; here every handler is called the same way.
  type Module = Record<string, Handler>;
  const tasks = (await import("@/app/api/tasks/route")) as unknown as Module;
  const messages = (await import("@/app/api/tasks/[id]/messages/route")) as unknown as Module;
  const decision = (await import("@/app/api/approvals/[id]/decision/route")) as unknown as Module;
  const policy = (await import("@/app/api/policy/route")) as unknown as Module;
  const schedules = (await import("@/app/api/schedules/route")) as unknown as Module;
  const oneSchedule = (await import("@/app/api/schedules/[id]/route")) as unknown as Module;
  const push = (await import("@/app/api/push/route")) as unknown as Module;
  const models = (await import("@/app/api/models/route")) as unknown as Module;
  const defaultModel = (await import("@/app/api/models/default/route")) as unknown as Module;
  const token = (await import("@/app/api/approvals/token-decision/route")) as unknown as Module;
  const credentials = (await import("@/app/api/credentials/route")) as unknown as Module;
  const oneCredential = (await import("@/app/api/credentials/[id]/route")) as unknown as Module;
  routes = [
    { name: "create a task", method: "POST", path: "/api/tasks", handler: tasks.POST!, valid: { title: "t", prompt: "p", budgetUsd: 1, budgetTokens: 1000 } },
    { name: "a follow-up", method: "POST", path: `/api/tasks/${task.id}/messages`, handler: messages.POST!, params: { id: task.id }, valid: { body: "more" } },
    {
      name: "an approval decision",
      method: "POST",
      path: `/api/approvals/${approval.id}/decision`,
      handler: decision.POST!,
      params: { id: approval.id },
      valid: { decision: "deny", note: "no", arguments: { method: "POST", url: "https://hooks.example.com/y" } },
    },
    { name: "a policy rule", method: "PUT", path: "/api/policy", handler: policy.PUT!, valid: { scope: "tool", key: "http_request", decision: "ask" } },
    { name: "a new schedule", method: "POST", path: "/api/schedules", handler: schedules.POST!, valid: { title: "s", prompt: "p", cron: "0 7 * * *", timezone: "UTC" } },
    {
      name: "an edited schedule",
      method: "PUT",
      path: `/api/schedules/${schedule.id}`,
      handler: oneSchedule.PUT!,
      params: { id: schedule.id },
      valid: { title: "s", prompt: "p", cron: "0 7 * * *", timezone: "UTC" },
    },
    { name: "a schedule paused", method: "PATCH", path: `/api/schedules/${schedule.id}`, handler: oneSchedule.PATCH!, params: { id: schedule.id }, valid: { status: "paused" } },
    {
      name: "a push subscription",
      method: "PUT",
      path: "/api/push",
      handler: push.PUT!,
      valid: { subscription: { endpoint: "https://push.example.com/x", keys: { p256dh: "a", auth: "b" } }, kinds: ["approval"] },
    },
    { name: "push kinds", method: "PATCH", path: "/api/push", handler: push.PATCH!, valid: { kinds: ["approval"] } },
    { name: "a model connection", method: "PUT", path: "/api/models", handler: models.PUT!, valid: { provider: "openai", apiKey: "sk-x" } },
    { name: "the default model", method: "PUT", path: "/api/models/default", handler: defaultModel.PUT!, valid: { provider: "demo", model: "scripted" } },
    { name: "a notification's decision", method: "POST", path: "/api/approvals/token-decision", handler: token.POST!, valid: { token: "t" } },
    {
      name: "a new credential",
      method: "POST",
      path: "/api/credentials",
      handler: credentials.POST!,
      valid: { ...credentialFields, name: "another-portal", password: "pw", totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" },
    },
    {
      name: "an edited credential",
      method: "PUT",
      path: `/api/credentials/${credential.id}`,
      handler: oneCredential.PUT!,
      params: { id: credential.id },
      valid: { ...credentialFields, label: "Edited", password: "", totpSecret: "", removeTotp: false },
    },
  ];
});

afterAll(() => db().$disconnect());

function request(route: Route, body: string | undefined, contentType = "application/json") {
  return new Request(`http://127.0.0.1:3000${route.path}`, {
    method: route.method,
    headers: { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", cookie: user.cookie, ...(contentType ? { "content-type": contentType } : {}) },
    body,
  });
}

/** Everything a refused request could have written. */
async function rowCounts() {
  const where = { userId: user.userId };
  const [tasks, messages, schedules, rules, subscriptions, decided, events, connections, credentials, secrets] = await Promise.all([
    db().task.count({ where }),
    db().taskMessage.count({ where: { task: where } }),
    db().schedule.count({ where }),
    db().policyRule.count({ where }),
    db().pushSubscription.count({ where }),
    db().approval.count({ where: { ...where, status: { not: "pending" } } }),
    db().timelineEvent.count({ where: { task: where } }),
    db().modelConnection.count(),
    db().credential.count({ where }),
    db().storedSecret.count({ where }),
  ]);
  const schedule = await db().schedule.findFirst({ where, select: { title: true, status: true, cron: true } });
  const credential = await db().credential.findFirst({ where, select: { label: true, updatedAt: true } });
  return { tasks, messages, schedules, rules, subscriptions, decided, events, connections, credentials, secrets, schedule, credential };
}

function* badBodies(valid: Record<string, unknown>): Generator<[string, string | undefined, string?]> {
  for (const field of Object.keys(valid)) {
    for (const [what, value] of BAD_VALUES) yield [`${field} = ${what}`, JSON.stringify({ ...valid, [field]: value })];
  }
  yield ["a NUL in a key", JSON.stringify({ ...valid, "k\u0000": 1 })];
  yield ["20,000 levels deep", DEEP];
  yield ["20,000 levels deep in a field", `{"arguments":${DEEP},"decision":"approve","body":${DEEP}}`];
  yield ["not JSON", "{"];
  yield ["empty", ""];
  yield ["JSON without its content type", JSON.stringify(valid), "text/plain"];
}

describe("bad input to every JSON route", () => {
  it("is a 4xx with a message, never a 5xx, and changes nothing", { timeout: 120_000 }, async () => {
    const failures: string[] = [];
    let tried = 0;
    for (const route of routes) {
      for (const [what, body, contentType] of badBodies(route.valid)) {
        const before = await rowCounts();
        const response = await route.handler(request(route, body, contentType), { params: Promise.resolve(route.params ?? {}) });
        tried++;
        const text = await response.text();
        if (response.status >= 500) failures.push(`${route.name}, ${what}: ${response.status} ${text.slice(0, 200)}`);
        else if (response.status >= 400) {
          const after = await rowCounts();
          const changed = Object.keys(after).filter((key) => JSON.stringify(after[key as keyof typeof after]) !== JSON.stringify(before[key as keyof typeof before]));
          if (changed.length > 0) {
            const counts = changed.map((key) => `${key} ${JSON.stringify(before[key as keyof typeof before])} -> ${JSON.stringify(after[key as keyof typeof after])}`);
            failures.push(`${route.name}, ${what}: refused (${response.status}) but rows changed: ${counts.join(", ")}`);
          }
          if (!(JSON.parse(text) as { error?: { message?: string } }).error?.message) failures.push(`${route.name}, ${what}: ${response.status} without a message`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(300);
  });

  it("names the field holding a NUL", async () => {
    const route = routes[0]!;
    const response = await route.handler(request(route, JSON.stringify({ title: "a\u0000b", prompt: "p" })), { params: Promise.resolve({}) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { fieldErrors: Record<string, string[]> } }).error.fieldErrors).toEqual({
      title: ["Remove the control character (U+0000): it cannot be stored."],
    });
  });

  it("answers 404 for ids that are not ids, and for a malformed session cookie a 401", async () => {
    const notAnId = "1' OR '1'='1";
    const get = (path: string) => new Request(`http://127.0.0.1:3000${path}`, { headers: { host: "127.0.0.1:3000", cookie: user.cookie } });
    const task = (await import("@/app/api/tasks/[id]/route")) as unknown as Record<string, Handler>;
    const schedule = (await import("@/app/api/schedules/[id]/route")) as unknown as Record<string, Handler>;
    const credential = (await import("@/app/api/credentials/[id]/route")) as unknown as Record<string, Handler>;
    const decision = routes.find((route) => route.name === "an approval decision")!;
    expect((await task.GET!(get(`/api/tasks/${notAnId}`), { params: Promise.resolve({ id: notAnId }) })).status).toBe(404);
    expect((await schedule.GET!(get(`/api/schedules/${notAnId}`), { params: Promise.resolve({ id: notAnId }) })).status).toBe(404);
    const deleteRequest = new Request(`http://127.0.0.1:3000/api/credentials/${notAnId}`, { method: "DELETE", headers: { host: "127.0.0.1:3000", cookie: user.cookie } });
    expect((await credential.DELETE!(deleteRequest, { params: Promise.resolve({ id: notAnId }) })).status).toBe(404);
    const decided = await decision.handler(request({ ...decision, path: `/api/approvals/${notAnId}/decision` }, JSON.stringify({ decision: "deny" })), {
      params: Promise.resolve({ id: notAnId }),
    });
    expect(decided.status).toBe(404);
    const tasks = routes[0]!;
    const badCookie = new Request("http://127.0.0.1:3000/api/tasks", { headers: { host: "127.0.0.1:3000", cookie: `next-auth.session-token=%zz%${randomUUID()}` } });
    expect((await ((await import("@/app/api/tasks/route")) as unknown as Record<string, Handler>).GET!(badCookie, { params: Promise.resolve({}) })).status).toBe(401);
    expect(tasks.name).toBe("create a task");
  });
});
