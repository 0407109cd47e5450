import { migrateDbosSchema } from "@/lib/engine/dbos/system-schema";
import { applyMigrations } from "./migrations";

/** Brings both schemas up to date: Baton's (prisma/migrations) and the engine's. */
export async function prepareDatabase(url: string): Promise<string[]> {
  const applied = await applyMigrations(url);
  await migrateDbosSchema(url);
  return applied;
}
