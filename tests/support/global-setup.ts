import type { TestProject } from "vitest/node";
import { createTemplateDatabase, startTestPostgres } from "./test-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

// One shared Postgres for the suite: most tests create their own user and data in its first
// database; files that need a database to themselves copy the template (testDatabase()).
export default async function setup(project: TestProject) {
  const postgres = await startTestPostgres(Number(process.env.BATON_TEST_PG_PORT ?? 25410));
  await createTemplateDatabase(postgres.url);
  project.provide("databaseUrl", postgres.url);
  return () => postgres.destroy();
}
