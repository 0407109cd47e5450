// The e2e Baton's own database (the embedded Postgres `npm start` runs on E2E_PORTS.postgres), for
// what no page can do: moving a row's expiry into the past instead of waiting ten minutes.
import pg from "pg";
import { E2E_PORTS } from "./fakes";

export async function withE2eDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `postgresql://postgres:baton@127.0.0.1:${E2E_PORTS.postgres}/baton` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
