// The inbox's read path at scale: one user with `count` tasks (completed, each with its answer, as
// an inbox mostly is), written by SQL in one statement, then listTasks (what GET /api/tasks calls
// after authenticating) timed over repeated first pages and a page deep in the list, and the plan
// of its main query. Without HTTP and sign-in: those cost the same whatever the task count.
import type { Db } from "../../lib/db";
import { listTasks } from "../../lib/tasks/list-tasks";
import { percentile } from "./measure";

export interface InboxFigures {
  tasks: number;
  firstPage: { p50: number; p99: number };
  deepPage: { p50: number; p99: number };
  plan: string[];
}

const ROUNDS = 200;

export async function benchInbox(db: Db, count: number): Promise<InboxFigures> {
  const user = await db.user.create({ data: { email: `inbox-${Date.now()}@bench.invalid`, name: "inbox" }, select: { id: true } });
  // uuidv7() is Postgres 18's: ids stay time-ordered, as Baton's are.
  await db.$executeRaw`
    WITH t AS (
      INSERT INTO tasks (id, user_id, title, prompt, provider, model, status, created_at, updated_at)
      SELECT uuidv7(), ${user.id}::uuid, 'Inbox task ' || n, 'Summarise item ' || n, 'demo', 'scripted', 'completed', now(), now()
        FROM generate_series(1, ${count}::int) AS n
      RETURNING id),
    r AS (
      INSERT INTO runs (id, task_id, number, status, provider, model, created_at)
      SELECT uuidv7(), id, 1, 'completed', 'demo', 'scripted', now() FROM t
      RETURNING id, task_id)
    INSERT INTO artifacts (id, task_id, run_id, name, kind, mime_type, size_bytes, content, created_at)
    SELECT uuidv7(), task_id, id, 'answer.md', 'markdown', 'text/markdown; charset=utf-8', 40, convert_to('# Done' || chr(10) || 'One line of result.', 'UTF8'), now() FROM r`;
  await db.$executeRawUnsafe("ANALYZE tasks, runs, artifacts");

  const time = async (cursor?: string) => {
    const samples: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      await listTasks(db, { userId: user.id, limit: 20, ...(cursor ? { cursor } : {}) });
      samples.push(performance.now() - started);
    }
    return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
  };
  const firstPage = await time();
  const [middle] = await db.$queryRaw<{ id: string }[]>`SELECT id::text FROM tasks WHERE user_id = ${user.id}::uuid ORDER BY id DESC OFFSET ${Math.floor(count / 2)} LIMIT 1`;
  const deepPage = await time(middle?.id);
  const plan = await db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM tasks WHERE user_id = $1::uuid ORDER BY id DESC LIMIT 21`,
    user.id,
  );
  return { tasks: count, firstPage, deepPage, plan: plan.map((row) => row["QUERY PLAN"]) };
}

export function printInbox(figures: InboxFigures): void {
  const ms = (value: number) => value.toFixed(1);
  console.log(`\nInbox (listTasks, 20 a page) with ${figures.tasks} tasks of one user, ${ROUNDS} reads each`);
  console.log(`  first page              p50 ${ms(figures.firstPage.p50)} ms, p99 ${ms(figures.firstPage.p99)} ms   (goal: p50 under 10 ms at 10K)`);
  console.log(`  a page halfway down     p50 ${ms(figures.deepPage.p50)} ms, p99 ${ms(figures.deepPage.p99)} ms`);
  console.log(`  plan of the page query:`);
  for (const line of figures.plan) console.log(`    ${line}`);
}
