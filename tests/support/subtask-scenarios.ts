// The spawn_subtasks scenarios, run against both engines (tests/integration/subtasks-dbos.test.ts
// with a real worker process, subtasks-inngest.test.ts through the in-process Inngest server).
// Sub-tasks reach a barrier on the test's own HTTP server that answers only once all of a group
// have arrived, so "they ran at the same time" is shown by the runs themselves; the recorded run
// timestamps are checked to overlap as well.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { ScriptedApiError } from "@/lib/agent/scripted-model/wire";
import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { getTaskOrThrow } from "@/lib/tasks/get-task";
import { cancelTask } from "@/lib/tasks/cancel-task";
import { createTask } from "@/lib/tasks/create-task";
import { OPENAI_MODEL, answerOf, assistantTurns, expectAppError, lastToolResult, scenarios, timeline, waitForStatus, type TaskStatusName } from "./agent-harness";
import { createTestUser } from "./factories";
import { waitFor } from "./wait-for";

// ---------------------------------------------------------------------------------------------
// The barrier

export interface Barrier {
  origin: string;
  /** A URL that answers once `size` requests for `group` are waiting (or after 20 s, alone). */
  url(group: string, size: number): string;
  /** Requests for the group that arrived so far. */
  arrivals(group: string): number;
  /** Keeps the group waiting even when full, until release(group). */
  hold(group: string): void;
  release(group: string): void;
  close(): Promise<void>;
}

const ALONE_AFTER_MS = 20_000;

export async function startBarrier(): Promise<Barrier> {
  const waiting = new Map<string, { res: ServerResponse; timer: NodeJS.Timeout }[]>();
  const arrived = new Map<string, number>();
  const held = new Set<string>();
  const answer = (group: string) => {
    const queue = waiting.get(group) ?? [];
    waiting.set(group, []);
    for (const { res, timer } of queue) {
      clearTimeout(timer);
      if (!res.destroyed) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ together: queue.length }));
    }
  };
  const server = createServer((req, res) => {
    const match = /^\/barrier\/([\w-]+)\/(\d+)$/.exec(req.url ?? "");
    if (!match) return void res.writeHead(404).end();
    const [, group = "", size = "1"] = match;
    arrived.set(group, (arrived.get(group) ?? 0) + 1);
    const queue = waiting.get(group) ?? [];
    const timer = setTimeout(() => {
      waiting.set(group, (waiting.get(group) ?? []).filter((entry) => entry.res !== res));
      if (!res.destroyed) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ alone: true }));
    }, ALONE_AFTER_MS);
    queue.push({ res, timer });
    waiting.set(group, queue);
    if (queue.length >= Number(size) && !held.has(group)) answer(group);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (group, size) => `${origin}/barrier/${group}/${size}`,
    arrivals: (group) => arrived.get(group) ?? 0,
    hold: (group) => held.add(group),
    release: (group) => {
      held.delete(group);
      answer(group);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const queue of waiting.values()) for (const { timer } of queue) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The scripted model

const field = (text: string, name: string) => new RegExp(`\\b${name}=(\\S+)`).exec(text)?.[1];
const promptOf = (input: Parameters<Parameters<typeof scenarios>[0][string]>[0]["input"]) => (input[0]?.type === "user" ? input[0].text : "");

// "parent": spawns `parts=N` children (each a "child" reaching barrier `group`; `failing=K` makes
// part K fail after the barrier), then answers with what came back. "child": one GET of the
// barrier, then its answer. "nest": spawns one "nest" child of itself until refused, and answers
// with the tool's output. "many": asks for `parts=N` sub-tasks at once.
export const subtaskScript = scenarios({
  parent: ({ input }) => {
    const prompt = promptOf(input);
    const parts = Number(field(prompt, "parts") ?? 5);
    const group = field(prompt, "group") ?? "none";
    const failing = Number(field(prompt, "failing") ?? 0);
    const barrier = field(prompt, "barrier") ?? "http://127.0.0.1:9";
    if (assistantTurns(input) === 0) {
      const tasks = Array.from({ length: parts }, (_, index) => ({
        title: `Part ${index + 1}`,
        prompt: `[scenario:child ${group}-${index + 1}] part=${index + 1} url=${barrier}/barrier/${group}/${parts}${failing === index + 1 ? " fail=yes" : ""}`,
      }));
      return { text: `Splitting into ${parts} parts.`, toolCalls: [{ name: "spawn_subtasks", arguments: { tasks } }] };
    }
    return { text: `# Combined\n\n${lastToolResult(input)?.output ?? "(nothing)"}` };
  },
  child: ({ input }) => {
    const prompt = promptOf(input);
    if (assistantTurns(input) === 0) return { text: "Reaching the barrier.", toolCalls: [{ name: "http_request", arguments: { url: field(prompt, "url"), method: "GET" } }] };
    // A request the model refuses (400): not retried by the SDK, so the sub-task fails quickly.
    if (field(prompt, "fail")) throw new ScriptedApiError(400, "invalid_request_error", `Part ${field(prompt, "part")} cannot be done.`);
    return { text: `Part ${field(prompt, "part")} done after the barrier: ${lastToolResult(input)?.output.includes('"together":') ? "reached" : "missed"}` };
  },
  nest: ({ input }) => {
    const prompt = promptOf(input);
    const level = Number(field(prompt, "level") ?? 0);
    const id = field(prompt, "id") ?? "x";
    if (assistantTurns(input) === 0) {
      const child = `[scenario:nest ${id}-${level + 1}] id=${id} level=${level + 1}`;
      return { text: "Going one level deeper.", toolCalls: [{ name: "spawn_subtasks", arguments: { tasks: [{ title: `Level ${level + 1}`, prompt: child }] } }] };
    }
    return { text: `Level ${level}: ${lastToolResult(input)?.output ?? ""}` };
  },
  many: ({ input }) => {
    const prompt = promptOf(input);
    const parts = Number(field(prompt, "parts") ?? 9);
    if (assistantTurns(input) === 0) {
      const tasks = Array.from({ length: parts }, (_, index) => ({ title: `Part ${index + 1}`, prompt: `[scenario:child many-${index}] part=${index + 1}` }));
      return { text: "Many parts.", toolCalls: [{ name: "spawn_subtasks", arguments: { tasks } }] };
    }
    return { text: `Spawning said: ${lastToolResult(input)?.output ?? ""}` };
  },
});

// ---------------------------------------------------------------------------------------------
// The scenarios

export interface SubtaskBackend {
  db: Db;
  engine: TaskDispatcher;
  barrier: Barrier;
  /** Ends the engine's work abruptly (DBOS: kill -9 of the worker; Inngest: the server stops calling functions). */
  crash(): Promise<void>;
  /** Runs it again (DBOS: a new worker recovers the runs; Inngest: the server goes on). */
  restart(): Promise<void>;
  diagnostics(): string;
}

async function statusOf(backend: SubtaskBackend, taskId: string, status: TaskStatusName, timeoutMs = 60_000) {
  try {
    return await waitForStatus(backend.db, taskId, status, undefined, timeoutMs);
  } catch (error) {
    throw new Error(`${String(error)}\n${backend.diagnostics()}`);
  }
}

async function childrenOf(db: Db, taskId: string) {
  return db.task.findMany({ where: { parentTaskId: taskId }, orderBy: { title: "asc" }, include: { runs: true } });
}

export async function startParent(backend: SubtaskBackend, options: { parts: number; group: string; failing?: number }) {
  const { db } = backend;
  const userId = await createTestUser(db, "Parent");
  const failing = options.failing ? ` failing=${options.failing}` : "";
  const { prompt } = subtaskScript.prompt("parent", `Do it in parts. parts=${options.parts} group=${options.group} barrier=${backend.barrier.origin}${failing}`);
  const { task } = await createTask({ db, engine: backend.engine }, { userId, title: "Split work", prompt, ...OPENAI_MODEL });
  return { userId, taskId: task.id };
}

export interface SubtaskScenario {
  name: string;
  run(backend: SubtaskBackend): Promise<void>;
}

export const subtaskScenarios: SubtaskScenario[] = [
  {
    name: "five sub-tasks run at the same time; the parent's answer has their results, the failed one included",
    async run(backend) {
      const { db } = backend;
      const group = `five-${Date.now()}`;
      const { userId, taskId } = await startParent(backend, { parts: 5, group, failing: 5 });
      await statusOf(backend, taskId, "completed", 90_000);

      const children = await childrenOf(db, taskId);
      expect(children.map((child) => [child.title, child.status, child.userId, child.subtaskDepth])).toEqual([
        ["Part 1", "completed", userId, 1],
        ["Part 2", "completed", userId, 1],
        ["Part 3", "completed", userId, 1],
        ["Part 4", "completed", userId, 1],
        ["Part 5", "failed", userId, 1],
      ]);
      // All five were at the barrier together: each run began before any of them ended.
      expect(backend.barrier.arrivals(group)).toBe(5);
      const runs = children.map((child) => child.runs[0]!);
      const lastStart = Math.max(...runs.map((run) => run.startedAt!.getTime()));
      const firstEnd = Math.min(...runs.map((run) => run.finishedAt!.getTime()));
      expect(lastStart, "the last sub-task started before the first one ended").toBeLessThan(firstEnd);

      const parentRun = await db.run.findFirstOrThrow({ where: { taskId } });
      const answer = await answerOf(db, parentRun.id);
      for (const part of [1, 2, 3, 4]) expect(answer).toContain(`Part ${part} done after the barrier: reached`);
      expect(answer).toContain("Part 5 cannot be done.");
      expect(answer).toContain('"status":"failed"');
      // Each sub-task has its own timeline, begun by the parent's agent; the parent's says it started them.
      for (const child of children) {
        const events = await timeline(db, child.id);
        expect(events[0]).toMatchObject({ type: "task.created", actor: "agent" });
      }
      const spawned = (await timeline(db, taskId)).filter((event) => event.type === "subtasks.spawned");
      expect(spawned.map((event) => event.message)).toEqual(["Started 5 sub-tasks: Part 1, Part 2, Part 3, Part 4, Part 5"]);
      expect((await timeline(db, taskId)).filter((event) => event.type === "tool.called").map((event) => event.message)).toEqual([
        "spawn_subtasks: 5 sub-tasks ended: 4 completed, 1 failed",
      ]);

      // The owner sees them on the parent and each links back; another user sees none of it.
      const parent = await getTaskOrThrow(db, { userId, taskId });
      expect(parent.subtasks.map((child) => [child.title, child.status, child.parentTaskId])).toEqual(children.map((child) => [child.title, child.status, taskId]));
      const detail = await getTaskOrThrow(db, { userId, taskId: children[0]!.id });
      expect(detail.parent).toEqual({ id: taskId, title: "Split work" });
      const stranger = await createTestUser(db, "Stranger");
      await expectAppError(getTaskOrThrow(db, { userId: stranger, taskId: children[0]!.id }), "NOT_FOUND");
      await expectAppError(getTaskOrThrow(db, { userId: stranger, taskId }), "NOT_FOUND");
      await expectAppError(cancelTask({ db, engine: backend.engine }, { userId: stranger, taskId: children[0]!.id }), "NOT_FOUND");
    },
  },
  {
    name: "a crash while the sub-tasks run: every task ends, nothing is created or answered twice",
    async run(backend) {
      const { db, barrier } = backend;
      const group = `crash-${Date.now()}`;
      barrier.hold(group);
      const { taskId } = await startParent(backend, { parts: 5, group });
      await waitFor(async () => barrier.arrivals(group) >= 5, { timeoutMs: 60_000, what: "all five sub-tasks at the barrier" });
      await backend.crash();
      barrier.release(group);
      await backend.restart();
      await statusOf(backend, taskId, "completed", 120_000);

      const children = await childrenOf(db, taskId);
      expect(children.map((child) => [child.title, child.status, child.runs.length])).toEqual([1, 2, 3, 4, 5].map((part) => [`Part ${part}`, "completed", 1]));
      expect(await db.task.count({ where: { parentTaskId: taskId } })).toBe(5);
      expect(await db.artifact.count({ where: { taskId: { in: children.map((child) => child.id) }, name: "answer.md" } })).toBe(5);
      const parentEvents = await timeline(db, taskId);
      expect(parentEvents.filter((event) => event.type === "subtasks.spawned")).toHaveLength(1);
      expect(parentEvents.filter((event) => event.type === "task.status").map((event) => (event.data as { status: string }).status)).toEqual(["running", "completed"]);
      for (const child of children) {
        const events = await timeline(db, child.id);
        expect(events.filter((event) => event.type === "task.created")).toHaveLength(1);
        expect(events.filter((event) => event.type === "tool.called")).toHaveLength(1);
        expect(events.filter((event) => event.type === "task.status").map((event) => (event.data as { status: string }).status)).toEqual(["running", "completed"]);
      }
      const answer = await answerOf(db, (await db.run.findFirstOrThrow({ where: { taskId } })).id);
      for (const part of [1, 2, 3, 4, 5]) expect(answer).toContain(`Part ${part} done after the barrier`);
    },
  },
  {
    name: "canceling the parent cancels its running sub-tasks",
    async run(backend) {
      const { db, barrier } = backend;
      const group = `cancel-${Date.now()}`;
      barrier.hold(group);
      const { userId, taskId } = await startParent(backend, { parts: 3, group });
      await waitFor(async () => barrier.arrivals(group) >= 3, { timeoutMs: 60_000, what: "the sub-tasks at the barrier" });
      await cancelTask({ db, engine: backend.engine }, { userId, taskId });
      const children = await childrenOf(db, taskId);
      // At once in the database, parent and sub-tasks alike.
      expect(children.map((child) => child.status)).toEqual(["canceled", "canceled", "canceled"]);
      barrier.release(group);
      await statusOf(backend, taskId, "canceled");
      for (const child of children) {
        await expect.poll(async () => (await db.run.findFirstOrThrow({ where: { taskId: child.id } })).status, { timeout: 30_000 }).toBe("canceled");
        const statuses = (await timeline(db, child.id)).filter((event) => event.type === "task.status").map((event) => event.message);
        expect(statuses).toContain("Canceled: Its parent task was canceled");
      }
      await expect.poll(async () => (await db.run.findFirstOrThrow({ where: { taskId } })).status, { timeout: 30_000 }).toBe("canceled");
      expect(await db.artifact.count({ where: { taskId: { in: [taskId, ...children.map((child) => child.id)] }, name: "answer.md" } })).toBe(0);
    },
  },
  {
    name: "canceling one sub-task: the others go on and the parent hears it was canceled",
    async run(backend) {
      const { db, barrier } = backend;
      const group = `one-${Date.now()}`;
      barrier.hold(group);
      const { userId, taskId } = await startParent(backend, { parts: 2, group });
      await waitFor(async () => barrier.arrivals(group) >= 2, { timeoutMs: 60_000, what: "the sub-tasks at the barrier" });
      const [first, second] = await childrenOf(db, taskId);
      await cancelTask({ db, engine: backend.engine }, { userId, taskId: first!.id });
      expect((await db.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe("running");
      barrier.release(group);
      await statusOf(backend, taskId, "completed");
      expect((await db.task.findUniqueOrThrow({ where: { id: second!.id } })).status).toBe("completed");
      const answer = await answerOf(db, (await db.run.findFirstOrThrow({ where: { taskId } })).id);
      expect(answer).toContain('"title":"Part 1","status":"canceled","reason":"Canceled by you"');
      expect(answer).toContain("Part 2 done after the barrier");
    },
  },
  {
    name: "bounds: more than 8 at once is refused, and nesting stops at depth 2",
    async run(backend) {
      const { db } = backend;
      const userId = await createTestUser(db, "Bounds");
      const many = subtaskScript.prompt("many", "Too many. parts=9");
      const { task: manyTask } = await createTask({ db, engine: backend.engine }, { userId, title: "Too many", prompt: many.prompt, ...OPENAI_MODEL });
      await statusOf(backend, manyTask.id, "completed");
      const manyAnswer = await answerOf(db, (await db.run.findFirstOrThrow({ where: { taskId: manyTask.id } })).id);
      expect(manyAnswer).toContain("Spawning said: Error: spawn_subtasks starts at most 8 sub-tasks per call; you asked for 9.");
      expect(await db.task.count({ where: { parentTaskId: manyTask.id } })).toBe(0);

      const nest = subtaskScript.prompt("nest", `Nest. id=n${Date.now()} level=0`);
      const { task: top } = await createTask({ db, engine: backend.engine }, { userId, title: "Nest", prompt: nest.prompt, ...OPENAI_MODEL });
      await statusOf(backend, top.id, "completed", 90_000);
      const level1 = await db.task.findFirstOrThrow({ where: { parentTaskId: top.id } });
      const level2 = await db.task.findFirstOrThrow({ where: { parentTaskId: level1.id } });
      expect([level1.subtaskDepth, level2.subtaskDepth]).toEqual([1, 2]);
      expect(await db.task.count({ where: { parentTaskId: level2.id } })).toBe(0);
      const deepest = await answerOf(db, (await db.run.findFirstOrThrow({ where: { taskId: level2.id } })).id);
      expect(deepest).toContain("Level 2: Error: Sub-tasks may nest at most 2 deep");
      // The refusal travels up as data: the top task's answer holds level 1's, which holds level 2's.
      const topAnswer = await answerOf(db, (await db.run.findFirstOrThrow({ where: { taskId: top.id } })).id);
      expect(topAnswer).toContain("Level 0:");
      expect(topAnswer).toContain("Level 1:");
    },
  },
];
