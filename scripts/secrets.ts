// npm run secrets:rotate: re-seals every stored secret under a new key (see lib/secrets/rotate-key.ts).
// Stop Baton first.
import { createDb } from "../lib/db";
import { openDatabase } from "../lib/database/open-database";
import { prepareDatabase } from "../lib/database/prepare-database";
import { rotateSecretKey } from "../lib/secrets/rotate-key";

async function main(): Promise<void> {
  if (process.argv[2] !== "rotate") throw new Error("Usage: npm run secrets:rotate");
  const database = await openDatabase({ log: () => {} });
  const db = createDb(database.url);
  try {
    await prepareDatabase(database.url);
    const report = await rotateSecretKey(db);
    console.log(`[baton] re-encrypted ${report.rewritten} of ${report.total} stored secrets under key ${report.keyId}. ${report.next}`);
  } finally {
    await db.$disconnect();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(`[baton] key rotation failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
