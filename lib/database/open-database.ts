// Finds the database a process should use: DATABASE_URL when set, else the embedded server,
// started here if nobody has started it yet.
import path from "node:path";
import { databaseUrl, env, usesEmbeddedPostgres } from "../env";
import { startEmbeddedPostgres } from "./embedded-postgres";

export interface OpenDatabase {
  url: string;
  close(): Promise<void>;
}

export async function openDatabase(options: { log: (line: string) => void; note?: (line: string) => void }): Promise<OpenDatabase> {
  if (!usesEmbeddedPostgres()) return { url: databaseUrl(), close: async () => {} };
  const { BATON_DATA_DIR, BATON_PG_PORT } = env();
  const server = await startEmbeddedPostgres({
    dataDir: path.resolve(BATON_DATA_DIR),
    port: BATON_PG_PORT,
    log: options.log,
    note: options.note,
  });
  return { url: server.url, close: server.stop };
}
