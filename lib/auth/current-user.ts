import "server-only";
import { db } from "@/lib/db";
import { localUserId } from "@/lib/users/local-user";

/** The user a request acts for. Today the local owner; sign-in replaces this in one place. */
export async function currentUserId(): Promise<string> {
  return localUserId(db());
}
