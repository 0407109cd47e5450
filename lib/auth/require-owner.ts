import type { DbTx } from "@/lib/db";
import { AppError } from "@/lib/errors";

/**
 * For what only the owner may see or change (instance setup): anyone else gets a 404, as if it
 * did not exist, so no setup detail leaks to people who cannot act on it.
 */
export async function assertOwner(db: DbTx, userId: string): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { role: true } });
  if (user?.role !== "owner") throw new AppError("NOT_FOUND", { message: "Not found." });
}
