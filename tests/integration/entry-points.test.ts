// The two wrappers every route handler and server action goes through: what each one guarantees
// for any entry point, whatever the handler inside does.
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { withoutUser, withUser } from "@/lib/http/api-route";
import { publicAction } from "@/lib/http/server-action";

const ORIGIN = "http://127.0.0.1:3000";
const request = (method: string, body?: unknown, headers: Record<string, string> = {}) =>
  new Request(`${ORIGIN}/api/example`, {
    method,
    headers: { host: "127.0.0.1:3000", ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string; fieldErrors?: Record<string, string[]> } }).error;

afterEach(() => vi.restoreAllMocks());

describe("route handlers", () => {
  const ran = vi.fn();
  const echo = withoutUser(async ({ body }) => {
    ran();
    return Response.json(await body(z.object({ name: z.string().min(1, "Give a name.") })));
  });

  it("refuses a cross-site state change before the handler runs", async () => {
    ran.mockClear();
    const response = await echo(request("POST", { name: "Ada" }, { origin: "https://evil.example" }));
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toBe("Cross-site requests are refused.");
    expect(ran).not.toHaveBeenCalled();
  });

  it("answers bad input with 400 and field messages, NUL characters included", async () => {
    const missing = await echo(request("POST", { name: "" }, { origin: ORIGIN }));
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).fieldErrors).toEqual({ name: ["Give a name."] });
    const nul = await echo(request("POST", { name: "A\u0000da" }, { origin: ORIGIN }));
    expect(nul.status).toBe(400);
    expect(Object.keys((await errorOf(nul)).fieldErrors ?? {})).toEqual(["name"]);
    const good = await echo(request("POST", { name: "Ada" }, { origin: ORIGIN }));
    expect(await good.json()).toEqual({ name: "Ada" });
  });

  it("asks for a session before a user's handler runs", async () => {
    const handler = vi.fn(async () => new Response("secret"));
    const response = await withUser(handler)(request("GET"));
    expect(response.status).toBe(401);
    expect((await errorOf(response)).message).toBe("Sign in to Baton first.");
    expect(handler).not.toHaveBeenCalled();
  });

  it("logs an unexpected error with the route and its cause, and answers without either", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = withoutUser(async () => {
      throw new Error("relation \"tasks\" does not exist");
    });
    const response = await broken(request("GET"));
    expect(response.status).toBe(500);
    const { message } = await errorOf(response);
    expect(message).toMatch(/^Something went wrong on Baton's side/);
    expect(message).not.toContain("relation");
    expect(log).toHaveBeenCalledWith('[api GET /api/example] INTERNAL: relation "tasks" does not exist');
  });
});

describe("server actions", () => {
  it("return a refusal's message and field messages as they are", async () => {
    const result = await publicAction("example", async () => {
      throw new AppError("BAD_REQUEST", { message: "That email is taken.", fieldErrors: { email: ["Use another email."] } });
    });
    expect(result).toEqual({ ok: false, message: "That email is taken.", fieldErrors: { email: ["Use another email."] } });
  });

  it("turn an unexpected error into the generic message and log it with the action's name", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const result = await publicAction("example", async () => {
      throw new TypeError("cannot read properties of undefined");
    });
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/^Something went wrong on Baton's side/) });
    expect(log).toHaveBeenCalledWith("[action example] INTERNAL: cannot read properties of undefined");
  });

  it("let Next's redirect through, so a revoked session lands on the sign-in page", async () => {
    const { redirect } = await import("next/navigation");
    await expect(publicAction("example", async () => redirect("/sign-in"))).rejects.toMatchObject({ digest: expect.stringContaining("NEXT_REDIRECT") });
  });

  it("hand back what the work returned", async () => {
    expect(await publicAction("example", async () => 42)).toEqual({ ok: true, value: 42 });
  });
});
