import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db";

/** A fresh user per test, so tests run in parallel and in any order. */
export async function createTestUser(db: Db, name = "Test user"): Promise<string> {
  const user = await db.user.create({ data: { email: `${randomUUID()}@test.invalid`, name }, select: { id: true } });
  return user.id;
}
