// Website credentials end to end: the route handlers called with real Requests as two signed-in
// people on the shared Postgres, the secret store's rows read back raw, and the runtime's
// resolveCredential. What must hold: the password and TOTP secret never leave in a response, only
// sealed bytes are stored, another account sees a 404, and secrets go only to their own origins.
import { randomBytes, randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CredentialView } from "@/lib/credentials/manage-credentials";
import { resolveCredential } from "@/lib/credentials/resolve-credential";
import { totp } from "@/lib/credentials/totp";
import { createDb, type Db } from "@/lib/db";
import { createSignedInUser, type SignedInUser } from "../support/factories";

const base = "http://127.0.0.1:3000";
// Unique per run, so a search of the whole database finds only what this file stored.
const PASSWORD = `pw-${randomUUID()}`;
const NEW_PASSWORD = `pw-new-${randomUUID()}`;
const TOTP_SECRET = Array.from(randomBytes(32), (byte) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[byte % 32]).join("");

let db: Db;
let ana: SignedInUser;
let ben: SignedInUser;
let routes: { list: typeof import("@/app/api/credentials/route"); one: typeof import("@/app/api/credentials/[id]/route") };

beforeAll(async () => {
  db = createDb(process.env.DATABASE_URL);
  ana = await createSignedInUser(db, "Ana");
  ben = await createSignedInUser(db, "Ben");
  routes = { list: await import("@/app/api/credentials/route"), one: await import("@/app/api/credentials/[id]/route") };
});

afterAll(async () => {
  const { db: appDb } = await import("@/lib/db");
  await Promise.allSettled([appDb().$disconnect(), db?.$disconnect()]);
});

function request(method: string, pathname: string, as: SignedInUser, body?: unknown) {
  return new Request(`${base}${pathname}`, {
    method,
    headers: { host: "127.0.0.1:3000", cookie: as.cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const params = (id: string) => ({ params: Promise.resolve({ id }) });

/** Every response body this file received, to search for secrets at the end. */
const bodies: string[] = [];
async function call(response: Promise<Response>) {
  const settled = await response;
  const text = await settled.text();
  bodies.push(text);
  return { status: settled.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const create = (as: SignedInUser, body: Record<string, unknown>) => call(routes.list.POST(request("POST", "/api/credentials", as, body)));
const list = async (as: SignedInUser) => (await call(routes.list.GET(request("GET", "/api/credentials", as)))).json.credentials as CredentialView[];
const update = (as: SignedInUser, id: string, body: Record<string, unknown>) => call(routes.one.PUT(request("PUT", `/api/credentials/${id}`, as, body), params(id)));
const remove = (as: SignedInUser, id: string) => call(routes.one.DELETE(request("DELETE", `/api/credentials/${id}`, as), params(id)));

const portal = (name: string) => ({
  name,
  label: "Billing portal",
  origins: ["https://billing.example.com", "http://127.0.0.1:8080/"],
  username: "ana@example.com",
  password: PASSWORD,
  totpSecret: TOTP_SECRET,
});

describe("the Credentials API", () => {
  let id: string;

  beforeAll(async () => {
    const created = await create(ana, portal("billing-portal"));
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    id = (created.json.credential as CredentialView).id;
  });

  it("lists what was added with its user name and origins, and only that a password and TOTP secret are set", async () => {
    const [credential] = await list(ana);
    expect(credential).toMatchObject({
      id,
      name: "billing-portal",
      label: "Billing portal",
      origins: ["https://billing.example.com", "http://127.0.0.1:8080"],
      username: "ana@example.com",
      passwordSet: true,
      totpSet: true,
    });
  });

  it("stores sealed bytes, not the password or TOTP secret, under the owner's scope", async () => {
    const secrets = await db.storedSecret.findMany({ where: { userId: ana.userId } });
    expect(secrets.map((row) => row.name).sort()).toEqual([`credential:${id}:password`, `credential:${id}:totp`]);
    for (const row of secrets) {
      expect(row.ownerKey).toBe(`user:${ana.userId}`);
      expect(Buffer.from(row.ciphertext).toString("utf8")).not.toContain(PASSWORD);
      expect(Buffer.from(row.ciphertext).toString("utf8")).not.toContain(TOTP_SECRET);
      expect(row.hint).not.toContain(PASSWORD.slice(-4));
    }
    // Nowhere in plain text: neither these rows nor the credential's own.
    const [dump] = await db.$queryRawUnsafe<{ text: string }[]>(
      `SELECT (SELECT coalesce(string_agg(c::text, ' '), '') FROM credentials c) || (SELECT coalesce(string_agg(s::text, ' '), '') FROM stored_secrets s) AS text`,
    );
    expect(dump!.text).toContain("ana@example.com");
    expect(dump!.text).not.toContain(PASSWORD);
    expect(dump!.text).not.toContain(TOTP_SECRET);
  });

  it("refuses bad input with a 400 and a message per field", async () => {
    const refused = await create(ana, { ...portal("Bad Name"), origins: ["https://billing.example.com/login"], password: "" });
    expect(refused.status).toBe(400);
    const fieldErrors = (refused.json.error as { fieldErrors: Record<string, string[]> }).fieldErrors;
    expect(Object.keys(fieldErrors).sort()).toEqual(["name", "origins", "password"]);
    expect(fieldErrors.origins![0]).toMatch(/enter just https:\/\/billing.example.com/);
  });

  it("refuses a second credential of the same name for the same person, not for another", async () => {
    const again = await create(ana, portal("billing-portal"));
    expect(again.status).toBe(409);
    expect((again.json.error as { fieldErrors: Record<string, string[]> }).fieldErrors.name).toBeDefined();
    const bens = await create(ben, portal("billing-portal"));
    expect(bens.status).toBe(201);
    await remove(ben, (bens.json.credential as CredentialView).id);
  });

  it("is a 404 for another account: not listed, not editable, not deletable, not resolvable", async () => {
    expect(await list(ben)).toEqual([]);
    expect((await update(ben, id, { ...portal("taken-over"), password: "" })).status).toBe(404);
    expect((await remove(ben, id)).status).toBe(404);
    await expect(resolveCredential(db, { userId: ben.userId, name: "billing-portal", origin: "https://billing.example.com" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await list(ana))[0]?.name).toBe("billing-portal");
    expect((await update(ana, "not-an-id", portal("x"))).status).toBe(404);
  });

  it("keeps the stored password when an edit leaves it blank, and replaces it when one is typed", async () => {
    const renamed = await update(ana, id, { ...portal("billing"), label: "Billing", password: "", totpSecret: "" });
    expect(renamed.status, JSON.stringify(renamed.json)).toBe(200);
    expect(renamed.json.credential).toMatchObject({ name: "billing", label: "Billing", totpSet: true });
    expect((await resolveCredential(db, { userId: ana.userId, name: "billing", origin: "https://billing.example.com" })).password).toBe(PASSWORD);

    await update(ana, id, { ...portal("billing"), password: NEW_PASSWORD, totpSecret: "" });
    expect((await resolveCredential(db, { userId: ana.userId, name: "billing", origin: "https://billing.example.com" })).password).toBe(NEW_PASSWORD);
  });

  it("drops the TOTP secret when asked", async () => {
    const dropped = await update(ana, id, { ...portal("billing"), password: "", totpSecret: "", removeTotp: true });
    expect(dropped.json.credential).toMatchObject({ totpSet: false });
    expect(await db.storedSecret.count({ where: { name: `credential:${id}:totp` } })).toBe(0);
    const resolved = await resolveCredential(db, { userId: ana.userId, name: "billing", origin: "https://billing.example.com" });
    expect(resolved.hasTotp).toBe(false);
    expect(() => resolved.totp()).toThrow(/no TOTP secret/);
  });

  it("deletes the credential together with its stored secrets", async () => {
    await update(ana, id, { ...portal("billing"), password: "" });
    expect(await db.storedSecret.count({ where: { userId: ana.userId } })).toBe(2);
    expect((await remove(ana, id)).status).toBe(204);
    expect(await list(ana)).toEqual([]);
    expect(await db.storedSecret.count({ where: { userId: ana.userId } })).toBe(0);
    expect((await remove(ana, id)).status).toBe(404);
  });

  it("never sent the password or TOTP secret in any of the responses above", () => {
    const all = bodies.join("\n");
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(NEW_PASSWORD);
    expect(bodies.length).toBeGreaterThan(15);
    expect(all).not.toContain(TOTP_SECRET);
  });
});

describe("resolveCredential, for the browser runtime", () => {
  let carla: SignedInUser;

  beforeAll(async () => {
    carla = await createSignedInUser(db, "Carla");
    expect((await create(carla, portal("portal"))).status).toBe(201);
  });

  it("gives the user name, password and current TOTP code on one of the credential's origins", async () => {
    const resolved = await resolveCredential(db, { userId: carla.userId, name: "portal", origin: "http://127.0.0.1:8080/invoices?month=11" });
    expect(resolved.username).toBe("ana@example.com");
    expect(resolved.password).toBe(PASSWORD);
    expect(resolved.totp(1_700_000_000_000)).toBe(totp(TOTP_SECRET, { at: 1_700_000_000_000 }));
    expect(resolved.totp()).toMatch(/^\d{6}$/);
  });

  it("refuses any other origin, a look-alike host, another port or scheme, with a message naming where it is for", async () => {
    for (const origin of ["https://billing.example.com.evil.test", "http://billing.example.com", "http://127.0.0.1:8081", "https://evil.test", "data:text/html,x"]) {
      await expect(resolveCredential(db, { userId: carla.userId, name: "portal", origin }), origin).rejects.toMatchObject({
        code: "FORBIDDEN",
        message: expect.stringContaining("is for https://billing.example.com, http://127.0.0.1:8080"),
      });
    }
  });

  it("says when there is no credential of that name", async () => {
    await expect(resolveCredential(db, { userId: carla.userId, name: "nope", origin: "https://billing.example.com" })).rejects.toThrow(/no credential named "nope"/);
  });

  it("leaves no secret in what is logged or serialized", async () => {
    const resolved = await resolveCredential(db, { userId: carla.userId, name: "portal", origin: "https://billing.example.com" });
    expect(JSON.stringify(resolved)).not.toContain(PASSWORD);
    expect(inspect(resolved)).not.toContain(PASSWORD);
    expect(inspect(resolved)).toContain("ana@example.com");
  });

  it("has the password and TOTP secret redacted in a process that only resolved them, as a worker does", async () => {
    // Fresh modules: a redaction list that has not seen the values stored, only read.
    vi.resetModules();
    const fresh = { redact: await import("@/lib/redact"), resolve: await import("@/lib/credentials/resolve-credential") };
    const line = `typed ${PASSWORD} with secret ${TOTP_SECRET}`;
    expect(fresh.redact.redactSecrets(line)).toBe(line);
    await fresh.resolve.resolveCredential(db, { userId: carla.userId, name: "portal", origin: "https://billing.example.com" });
    expect(fresh.redact.redactSecrets(line)).toBe("typed [redacted] with secret [redacted]");
  });
});
