// More people: the owner invites by email address and hands over a single-use link; whoever opens
// it chooses a name and password and gets an account of their own, sharing nothing by default.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/respond";
import { hashPassword } from "./password";
import { acceptInvitationInput, invitationInput } from "./schemas";
import { assertId } from "@/lib/validation/ids";

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface InvitationView {
  id: string;
  email: string;
  expiresAt: string;
  acceptedAt: string | null;
}

export async function createInvitation(db: Db, input: { userId: string; email: unknown }): Promise<{ invitation: InvitationView; token: string }> {
  const { email } = parseOrThrow(invitationInput, { email: input.email });
  const inviter = await db.user.findUnique({ where: { id: input.userId }, select: { role: true } });
  if (inviter?.role !== "owner") throw new AppError("FORBIDDEN", { message: "Only Baton's owner can invite people." });
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) {
    throw new AppError("CONFLICT", { message: "Someone with that email already has an account.", fieldErrors: { email: ["Already has an account."] } });
  }
  const token = randomBytes(24).toString("base64url");
  const row = await db.invitation.create({
    data: { invitedById: input.userId, email, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + INVITATION_TTL_MS) },
  });
  return { invitation: toView(row), token };
}

export async function listInvitations(db: Db, userId: string): Promise<InvitationView[]> {
  const rows = await db.invitation.findMany({ where: { invitedById: userId, revokedAt: null }, orderBy: { createdAt: "desc" }, take: 20 });
  return rows.map(toView);
}

export async function revokeInvitation(db: Db, input: { userId: string; invitationId: string }): Promise<void> {
  const gone = () => new AppError("NOT_FOUND", { message: "That invitation was already accepted or revoked." });
  assertId(input.invitationId, gone);
  const result = await db.invitation.updateMany({
    where: { id: input.invitationId, invitedById: input.userId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (!result.count) throw gone();
}

/** The invitation a link names, if it can still be accepted: for the page that shows the form. */
export async function findOpenInvitation(db: Db, token: string): Promise<{ email: string } | null> {
  return db.invitation.findFirst({
    where: { tokenHash: hashToken(token), acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { email: true },
  });
}

/** Creates the invited person's account; the page then signs them in with the new password. */
export async function acceptInvitation(db: Db, input: unknown): Promise<{ email: string }> {
  const { token, name, password } = parseOrThrow(acceptInvitationInput, input);
  const passwordHash = await hashPassword(password);
  const now = new Date();
  return db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findUnique({ where: { tokenHash: hashToken(token) }, select: { id: true, email: true } });
    const claimed = invitation
      ? await tx.invitation.updateMany({
          where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
          data: { acceptedAt: now },
        })
      : { count: 0 };
    if (!invitation || !claimed.count) {
      throw new AppError("NOT_FOUND", { message: "This invitation link has expired or was already used. Ask Baton's owner for a new one." });
    }
    await tx.user.create({ data: { email: invitation.email, name, passwordHash, role: "member" } });
    return { email: invitation.email };
  });
}

function toView(row: { id: string; email: string; expiresAt: Date; acceptedAt: Date | null }): InvitationView {
  return { id: row.id, email: row.email, expiresAt: row.expiresAt.toISOString(), acceptedAt: row.acceptedAt?.toISOString() ?? null };
}
