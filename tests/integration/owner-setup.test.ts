// The first account, on a database of its own (the shared one has owners from other tests).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOwner, ownerExists } from "@/lib/auth/owner-setup";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { createDb, type Db } from "@/lib/db";
import { testDatabase, type TestDatabase } from "../support/test-database";

let pg: TestDatabase;
let db: Db;
beforeAll(async () => {
  pg = await testDatabase("owner-setup");
  db = createDb(pg.url);
});
afterAll(async () => {
  await db?.$disconnect();
  await pg?.destroy();
});

describe("owner setup", () => {
  it("two setup forms sent together make one owner; the other is told to sign in; tasks from before sign-in are kept", async () => {
    // What Baton ran as before accounts existed: one local user with a task.
    const legacy = await db.user.create({ data: { email: "owner@localhost", name: "Owner" } });
    await db.task.create({ data: { userId: legacy.id, title: "From before sign-in", prompt: "p", provider: "demo", model: "scripted" } });
    expect(await ownerExists(db)).toBe(false);

    const results = await Promise.allSettled([
      createOwner(db, { name: "Ada", email: "Ada@Example.com", password: "first password 1" }),
      createOwner(db, { name: "Bob", email: "bob@example.com", password: "second password 2" }),
    ]);
    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({ code: "CONFLICT", message: "Baton already has an owner. Sign in instead." });

    const owners = await db.user.findMany({ where: { role: "owner" } });
    expect(owners).toHaveLength(1);
    expect(owners[0]!.id).toBe(legacy.id);
    expect(await db.task.count({ where: { userId: owners[0]!.id } })).toBe(1);
    const password = owners[0]!.email === "ada@example.com" ? "first password 1" : "second password 2";
    await expect(signInWithPassword(db, { email: owners[0]!.email, password }, { ip: "10.0.0.1" })).resolves.toMatchObject({ userId: legacy.id });
  });

  it("refuses a weak password or a bad email with field messages", async () => {
    const refused = await createOwner(db, { name: "", email: "not-an-email", password: "short" }).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: "BAD_REQUEST",
      fieldErrors: { name: ["Enter your name."], email: ["Enter an email address, like you@example.com."], password: ["Use at least 10 characters."] },
    });
  });
});
