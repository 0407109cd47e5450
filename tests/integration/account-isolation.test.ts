// "Every query is scoped to the signed-in user", tried as a second account would: every API route
// that takes an id is called by a stranger with the owner's ids. Each answers 404 (never 403: a
// stranger may not even learn the id exists), names nothing of the owner's, and changes no row; the
// lists the stranger reads hold none of the owner's records.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { saveArtifact } from "@/lib/artifacts/save-artifact";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { createSchedule } from "@/lib/schedules/manage-schedules";
import { recordTakeoverRequest } from "@/lib/takeover/takeovers";
import { createTrigger } from "@/lib/triggers/manage-triggers";
import { triggerInput } from "@/lib/triggers/schemas";
import { createPendingApproval, createSignedInUser, type SignedInUser } from "../support/factories";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Module = Record<string, Handler | undefined>;
interface Call {
  name: string;
  method: string;
  path: string;
  handler: Handler;
  params: Record<string, string>;
  body?: unknown;
}

const OWNER_TITLE = "Owner's private payroll export";
let owner: SignedInUser;
let stranger: SignedInUser;
let ids: { task: string; run: string; approval: string; artifact: string; schedule: string; credential: string; trigger: string; takeover: string };
let calls: Call[];

const route = (module: unknown) => module as Module;

beforeAll(async () => {
  owner = await createSignedInUser(db(), "Owner");
  stranger = await createSignedInUser(db(), "Stranger");
  const { taskId, runId, approvalId } = await createPendingApproval(db(), { userId: owner.userId, title: OWNER_TITLE });
  const artifact = await saveArtifact(db(), { taskId, runId, name: "payroll.csv", kind: "csv", content: "name,salary\nAna,1\n" });
  const schedule = await createSchedule(db(), { userId: owner.userId, title: "Owner's schedule", prompt: "p", cron: "0 7 * * *", timezone: "UTC", missedRunPolicy: "skip" });
  const credentialFields = { name: "owner-portal", label: "Owner portal", origins: ["https://portal.example.com"], username: "ana" };
  const credential = await createCredential(db(), { userId: owner.userId, input: { ...credentialFields, password: "owner-password" } });
  const webhook = triggerInput.parse({ kind: "webhook", name: "Owner's hook", prompt: "Handle it." });
  const { trigger } = await createTrigger(db(), { ...webhook, userId: owner.userId });
  const takeover = await recordTakeoverRequest(db(), { taskId, runId, userId: owner.userId, key: "turn-3", reason: "a CAPTCHA", expiresAt: new Date(Date.now() + 600_000) });
  await db().takeover.update({ where: { id: takeover.id }, data: { status: "active", claimedAt: new Date() } });
  ids = { task: taskId, run: runId, approval: approvalId, artifact: artifact.id, schedule: schedule.id, credential: credential.id, trigger: trigger.id, takeover: takeover.id };

  const task = route(await import("@/app/api/tasks/[id]/route"));
  const cancel = route(await import("@/app/api/tasks/[id]/cancel/route"));
  const retry = route(await import("@/app/api/tasks/[id]/retry/route"));
  const messages = route(await import("@/app/api/tasks/[id]/messages/route"));
  const takeOver = route(await import("@/app/api/tasks/[id]/takeover/route"));
  const artifactFile = route(await import("@/app/api/tasks/[id]/artifacts/[artifactId]/route"));
  const decision = route(await import("@/app/api/approvals/[id]/decision/route"));
  const oneSchedule = route(await import("@/app/api/schedules/[id]/route"));
  const runSchedule = route(await import("@/app/api/schedules/[id]/run/route"));
  const oneCredential = route(await import("@/app/api/credentials/[id]/route"));
  const oneTrigger = route(await import("@/app/api/triggers/[id]/route"));
  const triggerSecret = route(await import("@/app/api/triggers/[id]/secret/route"));
  const frames = route(await import("@/app/api/takeovers/[id]/frames/route"));
  const input = route(await import("@/app/api/takeovers/[id]/input/route"));
  const handBack = route(await import("@/app/api/takeovers/[id]/hand-back/route"));
  const scheduleBody = { title: "Stolen", prompt: "p", cron: "0 8 * * *", timezone: "UTC" };
  const t = { id: taskId };
  calls = [
    { name: "read a task", method: "GET", path: `/api/tasks/${taskId}`, handler: task.GET!, params: t },
    { name: "cancel a task", method: "POST", path: `/api/tasks/${taskId}/cancel`, handler: cancel.POST!, params: t },
    { name: "retry a task", method: "POST", path: `/api/tasks/${taskId}/retry`, handler: retry.POST!, params: t },
    { name: "follow up on a task", method: "POST", path: `/api/tasks/${taskId}/messages`, handler: messages.POST!, params: t, body: { body: "send it to me instead" } },
    { name: "take over a task's browser", method: "POST", path: `/api/tasks/${taskId}/takeover`, handler: takeOver.POST!, params: t },
    { name: "download an artifact", method: "GET", path: `/api/tasks/${taskId}/artifacts/${artifact.id}`, handler: artifactFile.GET!, params: { id: taskId, artifactId: artifact.id } },
    { name: "approve", method: "POST", path: `/api/approvals/${approvalId}/decision`, handler: decision.POST!, params: { id: approvalId }, body: { decision: "approve" } },
    { name: "read a schedule", method: "GET", path: `/api/schedules/${schedule.id}`, handler: oneSchedule.GET!, params: { id: schedule.id } },
    { name: "edit a schedule", method: "PUT", path: `/api/schedules/${schedule.id}`, handler: oneSchedule.PUT!, params: { id: schedule.id }, body: scheduleBody },
    { name: "pause a schedule", method: "PATCH", path: `/api/schedules/${schedule.id}`, handler: oneSchedule.PATCH!, params: { id: schedule.id }, body: { status: "paused" } },
    { name: "run a schedule now", method: "POST", path: `/api/schedules/${schedule.id}/run`, handler: runSchedule.POST!, params: { id: schedule.id } },
    { name: "delete a schedule", method: "DELETE", path: `/api/schedules/${schedule.id}`, handler: oneSchedule.DELETE!, params: { id: schedule.id } },
    {
      name: "edit a credential",
      method: "PUT",
      path: `/api/credentials/${credential.id}`,
      handler: oneCredential.PUT!,
      params: { id: credential.id },
      body: { ...credentialFields, origins: ["https://evil.example.com"], password: "", totpSecret: "", removeTotp: false },
    },
    { name: "delete a credential", method: "DELETE", path: `/api/credentials/${credential.id}`, handler: oneCredential.DELETE!, params: { id: credential.id } },
    { name: "read a trigger", method: "GET", path: `/api/triggers/${trigger.id}`, handler: oneTrigger.GET!, params: { id: trigger.id } },
    { name: "edit a trigger", method: "PUT", path: `/api/triggers/${trigger.id}`, handler: oneTrigger.PUT!, params: { id: trigger.id }, body: { kind: "webhook", name: "Stolen", prompt: "Do my bidding." } },
    { name: "pause a trigger", method: "PATCH", path: `/api/triggers/${trigger.id}`, handler: oneTrigger.PATCH!, params: { id: trigger.id }, body: { paused: true } },
    { name: "rotate a trigger's secret", method: "POST", path: `/api/triggers/${trigger.id}/secret`, handler: triggerSecret.POST!, params: { id: trigger.id } },
    { name: "delete a trigger", method: "DELETE", path: `/api/triggers/${trigger.id}`, handler: oneTrigger.DELETE!, params: { id: trigger.id } },
    { name: "watch a takeover", method: "GET", path: `/api/takeovers/${takeover.id}/frames`, handler: frames.GET!, params: { id: takeover.id } },
    { name: "tap in a takeover", method: "POST", path: `/api/takeovers/${takeover.id}/input`, handler: input.POST!, params: { id: takeover.id }, body: { kind: "tap", x: 10, y: 10 } },
    { name: "hand a takeover back", method: "POST", path: `/api/takeovers/${takeover.id}/hand-back`, handler: handBack.POST!, params: { id: takeover.id }, body: { note: "done" } },
  ];
});

afterAll(async () => {
  await db().$disconnect();
});

function request(as: SignedInUser, method: string, path: string, body?: unknown): Request {
  const headers: Record<string, string> = { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", cookie: as.cookie };
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://127.0.0.1:3000${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Everything a stranger's call could change, read straight from the tables. */
async function ownerRows() {
  const [task, run, approval, artifact, schedule, credential, trigger, takeover, messages] = await Promise.all([
    db().task.findUnique({ where: { id: ids.task } }),
    db().run.findMany({ where: { taskId: ids.task } }),
    db().approval.findUnique({ where: { id: ids.approval } }),
    db().artifact.findUnique({ where: { id: ids.artifact } }),
    db().schedule.findUnique({ where: { id: ids.schedule } }),
    db().credential.findUnique({ where: { id: ids.credential } }),
    db().trigger.findUnique({ where: { id: ids.trigger } }),
    db().takeover.findUnique({ where: { id: ids.takeover } }),
    db().taskMessage.findMany({ where: { taskId: ids.task } }),
  ]);
  return { task, run, approval, artifact, schedule, credential, trigger, takeover, messages };
}

describe("a second account", () => {
  it("gets 404 from every route that takes one of the owner's ids, learns nothing and changes nothing", async () => {
    const before = await ownerRows();
    const leaks: string[] = [];
    for (const call of calls) {
      const response = await call.handler(request(stranger, call.method, call.path, call.body), { params: Promise.resolve(call.params) });
      const text = await response.text();
      if (response.status !== 404) leaks.push(`${call.name}: ${response.status} ${text.slice(0, 200)}`);
      for (const secret of [OWNER_TITLE, "Owner's", "payroll", "owner-portal", "portal.example.com"]) {
        if (text.includes(secret)) leaks.push(`${call.name}: the answer names "${secret}"`);
      }
    }
    expect(leaks).toEqual([]);
    expect(await ownerRows()).toEqual(before);
  });

  it("finds none of the owner's records in the lists it reads", async () => {
    const lists = [
      ["/api/tasks", route(await import("@/app/api/tasks/route"))],
      ["/api/approvals", route(await import("@/app/api/approvals/route"))],
      ["/api/schedules", route(await import("@/app/api/schedules/route"))],
      ["/api/triggers", route(await import("@/app/api/triggers/route"))],
      ["/api/credentials", route(await import("@/app/api/credentials/route"))],
    ] as const;
    for (const [path, module] of lists) {
      const response = await module.GET!(request(stranger, "GET", path), { params: Promise.resolve({}) });
      expect(response.status, path).toBe(200);
      const text = await response.text();
      for (const id of Object.values(ids)) expect(text, `${path} holds ${id}`).not.toContain(id);
      expect(text).not.toContain("Owner");
    }
  });

  it("is still told apart from the owner: the owner's own calls reach the same records", async () => {
    // The 404s above are the scoping, not a broken fixture: the same reads as the owner succeed.
    const task = route(await import("@/app/api/tasks/[id]/route"));
    const oneTrigger = route(await import("@/app/api/triggers/[id]/route"));
    const artifactFile = route(await import("@/app/api/tasks/[id]/artifacts/[artifactId]/route"));
    const asOwner = [
      await task.GET!(request(owner, "GET", `/api/tasks/${ids.task}`), { params: Promise.resolve({ id: ids.task }) }),
      await oneTrigger.GET!(request(owner, "GET", `/api/triggers/${ids.trigger}`), { params: Promise.resolve({ id: ids.trigger }) }),
      await artifactFile.GET!(request(owner, "GET", `/api/tasks/${ids.task}/artifacts/${ids.artifact}`), { params: Promise.resolve({ id: ids.task, artifactId: ids.artifact }) }),
    ];
    expect(asOwner.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(await asOwner[0]!.text()).toContain(OWNER_TITLE);
  });
});
