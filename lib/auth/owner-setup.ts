// The first account. Until an owner exists Baton shows the setup page (or takes the owner from
// BATON_OWNER_* on start); afterwards new accounts come only from the owner's invitations.
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/respond";
import { hashPassword } from "./password";
import { accountInput } from "./schemas";

/** The one account Baton served before sign-in existed. */
const LEGACY_LOCAL_EMAIL = "owner@localhost";

export async function ownerExists(db: Db): Promise<boolean> {
  return (await db.user.count({ where: { role: "owner" } })) > 0;
}

/**
 * Creates the owner once, even with two setup forms submitted together. Tasks made before sign-in
 * existed belong to the local user: the owner takes that account over, so nothing is lost.
 */
export async function createOwner(db: Db, input: unknown): Promise<{ userId: string }> {
  const account = parseOrThrow(accountInput, input);
  const passwordHash = await hashPassword(account.password);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('baton-owner-setup'))`;
    if ((await tx.user.count({ where: { role: "owner" } })) > 0) {
      throw new AppError("CONFLICT", { message: "Baton already has an owner. Sign in instead." });
    }
    const data = { email: account.email, name: account.name, passwordHash, role: "owner" as const };
    const legacy = await tx.user.findUnique({ where: { email: LEGACY_LOCAL_EMAIL }, select: { id: true } });
    const user = legacy
      ? await tx.user.update({ where: { id: legacy.id }, data, select: { id: true } })
      : await tx.user.create({ data, select: { id: true } });
    return { userId: user.id };
  });
}

/** On start: BATON_OWNER_EMAIL and BATON_OWNER_PASSWORD stand in for the setup page. */
export async function ensureOwnerFromEnv(db: Db): Promise<"created" | "exists" | "not-configured"> {
  const { BATON_OWNER_EMAIL, BATON_OWNER_PASSWORD, BATON_OWNER_NAME } = env();
  if (!BATON_OWNER_EMAIL || !BATON_OWNER_PASSWORD) return "not-configured";
  if (await ownerExists(db)) return "exists";
  try {
    await createOwner(db, { email: BATON_OWNER_EMAIL, password: BATON_OWNER_PASSWORD, name: BATON_OWNER_NAME ?? "Owner" });
  } catch (error) {
    if (error instanceof AppError && error.code === "CONFLICT") return "exists";
    if (error instanceof AppError && error.fieldErrors) {
      const fields = Object.entries(error.fieldErrors).map(([field, messages]) => `BATON_OWNER_${field.toUpperCase()}: ${messages.join(" ")}`);
      throw new Error(`Baton cannot create the owner from the environment:\n  ${fields.join("\n  ")}`);
    }
    throw error;
  }
  return "created";
}
