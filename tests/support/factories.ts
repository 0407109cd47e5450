import { randomUUID } from "node:crypto";
import { requestApproval } from "@/lib/approvals/request-approval";
import { createDevice } from "@/lib/auth/devices";
import { encodeSession } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { createTask } from "@/lib/tasks/create-task";

/** A fresh user per test, so tests run in parallel and in any order. */
export async function createTestUser(db: Db, name = "Test user"): Promise<string> {
  const user = await db.user.create({ data: { email: `${randomUUID()}@test.invalid`, name }, select: { id: true } });
  return user.id;
}

export interface SignedInUser {
  userId: string;
  deviceId: string;
  /** A Cookie header carrying the user's session, as a signed-in browser would send it. */
  cookie: string;
}

/** A fresh user signed in on one device, for calling route handlers as that person. */
export async function createSignedInUser(db: Db, name = "Test user"): Promise<SignedInUser> {
  const userId = await createTestUser(db, name);
  const deviceId = await createDevice(db, { userId, userAgent: "vitest", signedInVia: "password" });
  const token = await encodeSession(db, { sub: userId, deviceId });
  return { userId, deviceId, cookie: `next-auth.session-token=${token}` };
}

const idleEngine = { startRun: async () => {}, signal: async () => {}, deliverNotification: async () => {} };

/** A task mid-run that asks to POST a report, waiting for its owner's decision (no worker involved). */
export async function createPendingApproval(db: Db, params: { userId: string; title?: string }) {
  const { task } = await createTask({ db, engine: idleEngine }, { userId: params.userId, title: params.title ?? "Post the weekly report", prompt: "p", runAt: new Date(Date.now() + 3600_000) });
  const run = await db.run.findFirstOrThrow({ where: { taskId: task.id } });
  // As the agent would be: mid-run when it asks.
  await db.task.update({ where: { id: task.id }, data: { status: "running" } });
  await db.run.update({ where: { id: run.id }, data: { status: "running" } });
  const approval = await requestApproval(db, {
    taskId: task.id,
    runId: run.id,
    callId: `call-${run.id}`,
    toolName: "http_request",
    arguments: { method: "POST", url: "https://hooks.example.com/report" },
    target: "POST https://hooks.example.com/report",
    reason: "send it",
    risk: "external",
    requestedAt: new Date(),
    expiresAt: new Date(Date.now() + 3600_000),
  });
  return { taskId: task.id, runId: run.id, approvalId: approval.id };
}
