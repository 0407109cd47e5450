// The inbox's one line under a task's title: the start of its result once it is done, what it is
// doing while it runs. Read for a page of tasks in two queries, scoped to their owner.
import type { Db } from "@/lib/db";
import type { TaskSummary } from "./views";

/** Enough of an artifact to find its first sentence; a preview never needs the whole file. */
const HEAD_BYTES = 600;
const MAX_CHARS = 160;

export async function taskPreviews(db: Db, params: { userId: string; tasks: Pick<TaskSummary, "id" | "status">[] }): Promise<Map<string, string>> {
  const ids = (status: TaskSummary["status"]) => params.tasks.filter((task) => task.status === status).map((task) => task.id);
  const completed = ids("completed");
  const running = ids("running");
  // The newest text result of each task, answer.md first (the agent's answer, when there is one).
  const results = completed.length
    ? await db.$queryRaw<{ task_id: string; head: Uint8Array }[]>`
        SELECT DISTINCT ON (a.task_id) a.task_id, substring(a.content FROM 1 FOR ${HEAD_BYTES}) AS head
        FROM artifacts a JOIN tasks t ON t.id = a.task_id
        WHERE t.user_id = ${params.userId}::uuid AND a.task_id = ANY(${completed}::uuid[]) AND a.kind IN ('markdown', 'csv', 'json', 'file')
        ORDER BY a.task_id, (a.name = 'answer.md') DESC, a.created_at DESC`
    : [];
  const latest = running.length
    ? await db.$queryRaw<{ task_id: string; message: string }[]>`
        SELECT DISTINCT ON (e.task_id) e.task_id, e.message
        FROM timeline_events e JOIN tasks t ON t.id = e.task_id
        WHERE t.user_id = ${params.userId}::uuid AND e.task_id = ANY(${running}::uuid[])
        ORDER BY e.task_id, e.id DESC`
    : [];
  const previews = new Map<string, string>();
  for (const row of results) {
    const line = firstLine(new TextDecoder().decode(row.head));
    if (line) previews.set(row.task_id, line);
  }
  for (const row of latest) previews.set(row.task_id, oneLine(row.message));
  return previews;
}

/** The first line with words in it, without markdown's marks (#, >, -, **, `, links' URLs). */
export function firstLine(text: string): string | null {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw
      .replace(/^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+/, "")
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/(\*\*|__|`)/g, "")
      .replace(/\uFFFD+$/, "");
    if (/[\p{L}\p{N}]/u.test(line) && !/^\s*\|?\s*:?-{3,}/.test(line)) return oneLine(line);
  }
  return null;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= MAX_CHARS ? flat : `${flat.slice(0, MAX_CHARS - 1).trimEnd()}…`;
}
