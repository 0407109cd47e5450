// Database commands that work offline:
//   npm run db:migrate                 apply prisma/migrations (starts the embedded Postgres if needed)
//   npm run db:new-migration -- NAME   write prisma/migrations/<timestamp>_NAME from schema changes
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { prepareDatabase } from "../lib/database/prepare-database";
import { diffSnapshotToSchema, migrationsDir, schemaPath, schemaSnapshotPath } from "../lib/database/migrations";
import { openDatabase } from "../lib/database/open-database";

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const database = await openDatabase({ log: () => {} });
  try {
    if (command === "migrate") {
      const applied = await prepareDatabase(database.url);
      console.log(applied.length ? `Applied ${applied.join(", ")}` : "Database is up to date.");
    } else if (command === "new-migration") {
      if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("Usage: npm run db:new-migration -- snake_case_name");
      const sql = await diffSnapshotToSchema(database.url);
      if (!/^(CREATE|ALTER|DROP)/m.test(sql)) {
        console.log("schema.prisma matches prisma/migrations: nothing to write.");
        return;
      }
      const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
      const dir = path.join(migrationsDir, `${stamp}_${name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "migration.sql"), sql);
      copyFileSync(schemaPath, schemaSnapshotPath);
      console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql; review it, then npm run db:migrate.`);
    } else {
      throw new Error("Usage: tsx scripts/db.ts migrate | new-migration NAME");
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
