// Takeover links: the token in a "Baton needs you" push opens the live view once, for the owner,
// within 10 minutes, while the agent still waits. Only the token's SHA-256 is stored, so a
// database or workflow-history reader cannot use one. Every refusal is recorded in the security
// log and on the task's timeline, with a message the person can read.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import { appendEvent } from "@/lib/tasks/timeline";

export const TAKEOVER_LINK_TTL_MS = 10 * 60_000;

export type LinkRefusal = "unknown" | "used" | "expired" | "other-user" | "not-waiting" | "elsewhere";

export interface ClaimedTakeover {
  id: string;
  taskId: string;
  runId: string;
  userId: string;
  reason: string;
  claimedAt: Date;
  expiresAt: Date;
}

export type ClaimResult = { ok: true; takeover: ClaimedTakeover } | { ok: false; refusal: LinkRefusal; message: string };

const messages: Record<LinkRefusal, string> = {
  unknown: "This takeover link is not valid. Open Baton to see your tasks.",
  used: "This takeover link was already used. A link opens the live view once; open the task to ask again.",
  expired: "This takeover link has expired (links last 10 minutes). Open the task to see what the agent did.",
  "other-user": "This takeover link belongs to someone else. Sign in as the task's owner.",
  "not-waiting": "The agent is no longer waiting for you on this run. Open the task to see where it stands.",
  elsewhere: "This takeover is open on another device, or it is over. Hand it back where you opened it; open the task to see where it stands.",
};

export const isLinkRefusal = (value: unknown): value is LinkRefusal => typeof value === "string" && Object.hasOwn(messages, value);
export const refusalMessage = (refusal: LinkRefusal) => messages[refusal];

/** A refused link or live view, in the security log and (for a known takeover) on the task's timeline. */
export async function recordTakeoverRefusal(
  db: Db,
  params: { refusal: LinkRefusal; userId: string; ip?: string; subject: string; takeover?: { id: string; taskId: string; runId: string } },
): Promise<void> {
  const { refusal, takeover } = params;
  await db.securityEvent.create({ data: { type: `takeover_link.${refusal}`, subject: takeover?.id ?? params.subject, userId: params.userId, ip: params.ip } });
  if (!takeover) return;
  await appendEvent(db, {
    taskId: takeover.taskId,
    runId: takeover.runId,
    type: "takeover.link_refused",
    actor: "system",
    message: refusal === "elsewhere" ? "Refused the live view on a device that did not open the link" : `Refused a takeover link: ${refusal.replace("-", " ")}`,
    data: { takeoverId: takeover.id, refusal },
  });
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** A fresh link to the takeover; the token is returned once and never stored. */
export async function mintTakeoverLink(db: Db, takeover: { id: string; expiresAt: Date }, now = new Date()): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Math.min(takeover.expiresAt.getTime(), now.getTime() + TAKEOVER_LINK_TTL_MS));
  await db.takeoverLink.create({ data: { takeoverId: takeover.id, tokenHash: hashToken(token), expiresAt } });
  return token;
}

/** A link path for the push of a takeover still waiting, or null (it was taken or ended meanwhile). */
export async function takeoverLinkPath(db: Db, takeoverId: string): Promise<string | null> {
  const takeover = await db.takeover.findFirst({ where: { id: takeoverId, status: "waiting" }, select: { id: true, expiresAt: true } });
  return takeover ? `/takeover/${await mintTakeoverLink(db, takeover)}` : null;
}

/** Uses the link for the signed-in user: the takeover turns active, or the refusal is recorded. */
export async function claimTakeoverLink(db: Db, params: { token: string; userId: string; ip?: string }, now = new Date()): Promise<ClaimResult> {
  const link = await db.takeoverLink.findUnique({ where: { tokenHash: hashToken(params.token) }, include: { takeover: true } });
  const refuse = async (refusal: LinkRefusal): Promise<ClaimResult> => {
    await recordTakeoverRefusal(db, { refusal, userId: params.userId, ip: params.ip, subject: params.token.slice(0, 12), takeover: link?.takeover });
    return { ok: false, refusal, message: messages[refusal] };
  };
  if (!link) return refuse("unknown");
  const { takeover } = link;
  if (takeover.userId !== params.userId) return refuse("other-user");
  if (link.usedAt) return refuse("used");
  if (link.expiresAt <= now) return refuse("expired");
  if (takeover.status !== "waiting") return refuse(takeover.status === "active" ? "used" : "not-waiting");
  // One transaction, both conditional: two taps racing on one link (or two links) claim it once.
  const claimed = await db.$transaction(async (tx) => {
    const used = await tx.takeoverLink.updateMany({ where: { id: link.id, usedAt: null }, data: { usedAt: now } });
    if (used.count === 0) return false;
    const active = await tx.takeover.updateMany({ where: { id: takeover.id, status: "waiting" }, data: { status: "active", claimedAt: now } });
    if (active.count === 0) throw new LostRace();
    await appendEvent(tx, { taskId: takeover.taskId, runId: takeover.runId, type: "takeover.started", actor: "user", message: "You took over the browser", data: { takeoverId: takeover.id } });
    return true;
  }).catch((error: unknown) => (error instanceof LostRace ? false : Promise.reject(error)));
  if (!claimed) return refuse("used");
  return { ok: true, takeover: { id: takeover.id, taskId: takeover.taskId, runId: takeover.runId, userId: takeover.userId, reason: takeover.reason, claimedAt: now, expiresAt: takeover.expiresAt } };
}

class LostRace extends Error {}
