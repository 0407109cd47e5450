// The inbox's read path at scale: one user with `count` tasks (completed, each with its answer, as
// an inbox mostly is), written by SQL in one statement, then listTasks (what GET /api/tasks calls
// after authenticating) timed over repeated first pages and a page deep in the list, and the plan
// of its statement (and its node types, which say whether the keyset index is used and that no
// sort runs over more than one task's artifacts). Without HTTP and sign-in here: bench/web.ts
// times GET /api/tasks itself.
import type { Db } from "../../lib/db";
import { Prisma } from "../../lib/generated/prisma/client";
import { listTasks, listTasksStatement } from "../../lib/tasks/list-tasks";
import { percentile } from "./measure";

export interface InboxFigures {
  tasks: number;
  firstPage: { p50: number; p99: number };
  deepPage: { p50: number; p99: number };
  plan: string[];
  /** The page statement's plan nodes, outermost first ("Limit > Index Scan Backward on tasks_user_id_id_idx > ..."), previews' subplans included. */
  nodes: string;
  /** The same for a page further down (the keyset cursor). */
  cursorNodes: string;
}

const ROUNDS = 200;

/** Gives `userId` `count` tasks more (or a new user, when none is given); returns the user's id. */
export async function seedInbox(db: Db, count: number, userId?: string): Promise<string> {
  const user = userId ? { id: userId } : await db.user.create({ data: { email: `inbox-${Date.now()}@bench.invalid`, name: "inbox" }, select: { id: true } });
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
  return user.id;
}

export async function benchInbox(db: Db, count: number, userId?: string, rounds = ROUNDS): Promise<InboxFigures> {
  const user = { id: await seedInbox(db, count, userId) };

  const time = async (cursor?: string) => {
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      await listTasks(db, { userId: user.id, limit: 20, ...(cursor ? { cursor } : {}) });
      samples.push(performance.now() - started);
    }
    return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
  };
  const firstPage = await time();
  const [middle] = await db.$queryRaw<{ id: string }[]>`SELECT id::text FROM tasks WHERE user_id = ${user.id}::uuid ORDER BY id DESC OFFSET ${Math.floor(count / 2)} LIMIT 1`;
  const deepPage = await time(middle?.id);
  const firstStatement = listTasksStatement({ userId: user.id, limit: 20 });
  const plan = await db.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${firstStatement}`);
  const nodes = await planNodes(db, firstStatement);
  const cursorNodes = await planNodes(db, listTasksStatement({ userId: user.id, limit: 20, cursor: middle?.id ?? user.id }));
  const tasks = await db.task.count({ where: { userId: user.id } });
  return { tasks, firstPage, deepPage, plan: plan.map((row) => row["QUERY PLAN"]), nodes, cursorNodes };
}

/** The plan's node types, outermost first, with the index or table each reads. */
async function planNodes(db: Db, statement: Prisma.Sql): Promise<string> {
  type PlanNode = { "Node Type": string; "Index Name"?: string; "Relation Name"?: string; "Scan Direction"?: string; Plans?: PlanNode[] };
  const [row] = await db.$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(Prisma.sql`EXPLAIN (FORMAT JSON) ${statement}`);
  const names: string[] = [];
  const walk = (node: PlanNode) => {
    const direction = node["Scan Direction"] === "Backward" ? " Backward" : "";
    const on = node["Index Name"] ?? node["Relation Name"];
    names.push(`${node["Node Type"]}${direction}${on ? ` on ${on}` : ""}`);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(row!["QUERY PLAN"][0].Plan);
  return names.join(" > ");
}

export function printInbox(figures: InboxFigures): void {
  const ms = (value: number) => value.toFixed(1);
  console.log(`\nInbox (listTasks, 20 a page) with ${figures.tasks} tasks of one user`);
  console.log(`  first page              p50 ${ms(figures.firstPage.p50)} ms, p99 ${ms(figures.firstPage.p99)} ms   (goal: p50 under 10 ms at 10K)`);
  console.log(`  a page halfway down     p50 ${ms(figures.deepPage.p50)} ms, p99 ${ms(figures.deepPage.p99)} ms`);
  console.log(`  page query's plan       ${figures.nodes}`);
  console.log(`  with the cursor         ${figures.cursorNodes}`);
  console.log(`  plan of the page query:`);
  for (const line of figures.plan) console.log(`    ${line}`);
}
