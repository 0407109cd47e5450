// Plan first: a task that must show its plan before acting. The agent's tools are refused until
// the person approves a plan (which they edit here); the plan's tools then run without asking, and
// a tool the person took out of the plan asks as the policy says. The real worker, real Postgres,
// the real OpenAI SDK against the scripted model, decideApproval as the API route calls it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { setPolicyRule } from "@/lib/policy/risk-policy";
import { createSchedule, runScheduleNow } from "@/lib/schedules/manage-schedules";
import { cancelTask } from "@/lib/tasks/cancel-task";
import { createTask } from "@/lib/tasks/create-task";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import {
  OPENAI_MODEL,
  assistantTurns,
  configureModelsInThisProcess,
  scenarios,
  startAgentWorker,
  startFixtureSite,
  timeline,
  waitForStatus,
  type AgentWorker,
  type FixtureSite,
} from "../support/agent-harness";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";

configureModelsInThisProcess();

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let site: FixtureSite;
let model: ScriptedModelServer;
let worker: AgentWorker;
const told: string[][] = [];

// Tries to act at once, then proposes a plan naming http_request and write_artifact, then POSTs a
// status to the sink and writes a report, then answers with what each tool said.
const scripted = scenarios({
  status: ({ input }) => {
    const first = input[0]?.type === "user" ? input[0].text : "";
    const url = `${site.origin}${/sink=(\S+)/.exec(first)?.[1] ?? "/status/unknown"}`;
    const results = input.filter((item) => item.type === "tool_result").map((item) => item.output);
    told.push(results);
    const post = { name: "http_request", arguments: { url, method: "POST", body: { status: "green" } } };
    switch (assistantTurns(input)) {
      case 0:
        return { text: "Posting the status.", toolCalls: [post] };
      case 1:
        return {
          text: "Here is my plan.",
          toolCalls: [{ name: "propose_plan", arguments: { summary: "Post today's status and keep a report.", steps: [`POST the status to ${url}`, "Write report.md"], tools: ["http_request", "write_artifact"] } }],
        };
      case 2:
        return { text: "Carrying out the plan.", toolCalls: [post] };
      case 3:
        return { text: "Writing the report.", toolCalls: [{ name: "write_artifact", arguments: { name: "report.md", content: "# Status\n\nGreen." } }] };
      default:
        return { text: "# Done\n\nStatus posted and report written." };
    }
  },
});

beforeAll(async () => {
  pg = await testDatabase("plan-first");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  site = await startFixtureSite();
  model = await startScriptedModelServer({ latencyMs: 50, script: scripted.script });
  worker = await startAgentWorker({ databaseUrl: pg.url, workerId: `plan-first-${randomUUID().slice(0, 8)}`, model });
});

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close(), site?.close()]);
  await pg?.destroy();
});

/** The task's pending approval; after a decision the task still says waiting until the run resumes. */
const pendingApproval = (taskId: string) =>
  waitFor(() => db.approval.findFirst({ where: { taskId, status: "pending" } }).then((approval) => approval ?? undefined), { what: "a pending approval" });

const decide = (params: Omit<Parameters<typeof decideApproval>[1], "via">) => decideApproval({ db, engine, tools: builtinArgumentValidator }, { via: "api", ...params });

test("nothing runs before the plan is approved; the edited plan's tools then run without asking, and the tool taken out of it asks", async () => {
  const userId = await createTestUser(db, "Planner");
  // Writing an artifact is allowed by default; this person wants to be asked.
  await setPolicyRule(db, { userId, scope: "tool", key: "write_artifact", decision: "ask" });
  const sinkPath = `/status/${randomUUID()}`;
  const { prompt } = scripted.prompt("status", `Post the status. sink=${sinkPath}`);
  const { task } = await createTask({ db, engine }, { userId, title: "Post status", prompt, planFirst: true, ...OPENAI_MODEL });

  const plan = await pendingApproval(task.id);
  expect(plan).toMatchObject({ toolName: "propose_plan", target: "the plan (2 steps)" });
  // The first, planless POST was refused and the agent was told why; nothing reached the sink.
  expect(told.at(-1)?.[0]).toMatch(/needs the person's approval of a plan first/);
  expect(site.sinkRequests(sinkPath)).toEqual([]);

  // The person keeps the POST in the plan but takes write_artifact out of it.
  const edited = { ...(plan.arguments as object), tools: ["http_request"] };
  await decide({ userId, approvalId: plan.id, decision: "approve", arguments: edited });

  const unplanned = await pendingApproval(task.id);
  expect(unplanned).toMatchObject({ toolName: "write_artifact", target: "report.md" });
  // The planned POST ran once, without an approval of its own.
  expect(site.sinkRequests(sinkPath)).toHaveLength(1);
  expect(await db.approval.count({ where: { taskId: task.id } })).toBe(2);

  await decide({ userId, approvalId: unplanned.id, decision: "approve" });
  await waitForStatus(db, task.id, "completed", worker);

  const planArtifact = await db.artifact.findFirstOrThrow({ where: { taskId: task.id, name: "plan.md" } });
  const planText = Buffer.from(planArtifact.content).toString("utf8");
  expect(planText).toContain(`POST the status to ${site.origin}${sinkPath}`);
  expect(planText).toContain("`http_request`");
  expect(planText).not.toContain("write_artifact");
  const events = await timeline(db, task.id);
  expect(events.filter((event) => event.type === "tool.planned").map((event) => event.message)).toEqual(["http_request runs without asking: the approved plan names it"]);
});

test("a task without plan first is not offered propose_plan, and a policy refusal stands after a plan", async () => {
  const userId = await createTestUser(db, "Refuser");
  await setPolicyRule(db, { userId, scope: "tool", key: "http_request", decision: "deny" });
  const sinkPath = `/status/${randomUUID()}`;
  const { prompt } = scripted.prompt("status", `Post the status. sink=${sinkPath}`);
  const { task } = await createTask({ db, engine }, { userId, title: "Post status", prompt, planFirst: true, ...OPENAI_MODEL });
  const plan = await pendingApproval(task.id);
  await decide({ userId, approvalId: plan.id, decision: "approve" });
  await waitForStatus(db, task.id, "completed", worker);
  // http_request is in the approved plan, but the person's policy denies it: still refused.
  expect(site.sinkRequests(sinkPath)).toEqual([]);
  expect(told.flat().some((output) => /^Error: Refused: the person's policy does not allow http_request/.test(output))).toBe(true);
  expect(await db.artifact.count({ where: { taskId: task.id, name: "report.md" } })).toBe(1);

  // The same script on a normal task: propose_plan is no tool of its.
  const { prompt: plain } = scripted.prompt("status", `Post the status. sink=${sinkPath}`);
  const { task: normal } = await createTask({ db, engine }, { userId, title: "Post status", prompt: plain, ...OPENAI_MODEL });
  await waitForStatus(db, normal.id, "completed", worker);
  expect(told.some((results) => results.some((output) => /^Error: There is no tool named propose_plan/.test(output)))).toBe(true);
});

test("a schedule set to plan first starts each task with a plan to approve", async () => {
  const userId = await createTestUser(db, "Scheduler");
  const sinkPath = `/status/${randomUUID()}`;
  const { prompt } = scripted.prompt("status", `Post the status. sink=${sinkPath}`);
  const schedule = await createSchedule(db, { userId, title: "Daily status", prompt, cron: "0 7 * * *", timezone: "UTC", missedRunPolicy: "skip", planFirst: true, ...OPENAI_MODEL });
  expect(schedule.planFirst).toBe(true);
  const { taskId } = await runScheduleNow({ db, engine }, { userId, scheduleId: schedule.id });
  expect((await pendingApproval(taskId)).toolName).toBe("propose_plan");
  expect(site.sinkRequests(sinkPath)).toEqual([]);
  await cancelTask({ db, engine }, { userId, taskId });
});
