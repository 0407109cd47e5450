// Approve / Deny from a notification (a push or a mail): a token naming one approval and one
// decision, signed with the instance's secret, valid once and only while the approval is. The token string itself is
// never stored (only its id), so a database or workflow-history reader cannot use it; a refused
// token (forged, replayed, expired) is recorded in the security log and on the task's timeline.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { AppError } from "@/lib/errors";
import { appendEvent } from "@/lib/tasks/timeline";
import { decideApproval, type ArgumentValidator } from "./decide-approval";
import type { ApprovalView } from "./views";

export type TokenDecision = "approve" | "deny";

const claimsSchema = z.object({ jti: z.uuid(), approvalId: z.uuid(), decision: z.enum(["approve", "deny"]), exp: z.number().int() });
export type ApprovalTokenClaims = z.infer<typeof claimsSchema>;

function signingKey(authSecret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", authSecret, "baton", "approval-token v1", 32));
}

/** The ids of a fresh Approve and Deny token pair; sign them with signApprovalToken when sending. */
export async function mintApprovalTokens(db: Db, approval: { id: string; expiresAt: Date }): Promise<ApprovalTokenClaims[]> {
  const rows = await db.approvalToken.createManyAndReturn({
    data: (["approve", "deny"] as const).map((decision) => ({ approvalId: approval.id, decision, expiresAt: approval.expiresAt })),
  });
  return rows.map((row) => ({ jti: row.id, approvalId: row.approvalId, decision: row.decision as TokenDecision, exp: Math.floor(row.expiresAt.getTime() / 1000) }));
}

export function signApprovalToken(authSecret: string, claims: ApprovalTokenClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = createHmac("sha256", signingKey(authSecret)).update(body).digest("base64url");
  return `${body}.${signature}`;
}

/** The claims of a token signed by this instance, or null (not checked: used, expired). */
export function verifySignature(authSecret: string, token: string): ApprovalTokenClaims | null {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) return null;
  const expected = createHmac("sha256", signingKey(authSecret)).update(body).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface TokenDecisionDeps {
  db: Db;
  engine: TaskDispatcher;
  tools: ArgumentValidator;
  authSecret: string;
}

/** Decides an approval with a notification's token. Throws a readable AppError when refused. */
export async function decideWithToken(deps: TokenDecisionDeps, token: string, client: { ip: string; via?: "push" | "mail" }): Promise<ApprovalView> {
  const { db } = deps;
  const claims = verifySignature(deps.authSecret, token);
  if (!claims) {
    await db.securityEvent.create({ data: { type: "approval_token.forged", subject: token.slice(0, 60), ip: client.ip } });
    throw new AppError("FORBIDDEN", { message: "This approval link is not valid. Open Baton to decide." });
  }
  const approval = await db.approval.findUnique({ where: { id: claims.approvalId }, select: { id: true, userId: true, taskId: true, runId: true, toolName: true } });
  const now = new Date();
  const used = await db.approvalToken.updateMany({
    where: { id: claims.jti, approvalId: claims.approvalId, decision: claims.decision, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (!approval || used.count === 0) {
    const row = await db.approvalToken.findUnique({ where: { id: claims.jti }, select: { usedAt: true } });
    const reason = !row || !approval ? "unknown" : row.usedAt ? "replayed" : "expired";
    await db.securityEvent.create({ data: { type: `approval_token.${reason}`, subject: claims.approvalId, userId: approval?.userId, ip: client.ip } });
    if (approval) {
      await appendEvent(db, {
        taskId: approval.taskId,
        runId: approval.runId,
        type: "approval.token_refused",
        actor: "system",
        message: `Refused a ${reason} ${claims.decision === "approve" ? "Approve" : "Deny"} link for ${approval.toolName}`,
        data: { approvalId: approval.id, reason },
      });
    }
    throw new AppError(reason === "expired" ? "CONFLICT" : "FORBIDDEN", {
      message: reason === "expired" ? "This approval link has expired. Open Baton to see the task." : "This approval link was already used. Open Baton to see the task.",
    });
  }
  return decideApproval(deps, { userId: approval.userId, approvalId: approval.id, decision: claims.decision, via: client.via ?? "push" });
}
