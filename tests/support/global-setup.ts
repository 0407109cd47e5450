import type { TestProject } from "vitest/node";
import { startTestPostgres } from "./test-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

// One shared Postgres for the suite; every test creates its own user and data.
export default async function setup(project: TestProject) {
  const postgres = await startTestPostgres(Number(process.env.BATON_TEST_PG_PORT ?? 25410));
  project.provide("databaseUrl", postgres.url);
  return () => postgres.destroy();
}
