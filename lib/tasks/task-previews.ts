// The inbox's one line under a task's title: the start of its result once it is done, what it is
// doing while it runs. Read as two columns of the page's own statement (listTasks), each a lookup
// by the task's id, so a page costs one round trip however many tasks it shows.
import { Prisma } from "@/lib/generated/prisma/client";

/** Enough of an artifact to find its first sentence; a preview never needs the whole file. */
const HEAD_BYTES = 600;
const MAX_CHARS = 160;

/** What a preview is made from: one of the two, by the task's status. */
export interface PreviewSource {
  /** A completed task's newest text result, answer.md first (the agent's answer, when there is one). */
  resultHead: Uint8Array | null;
  /** A running task's latest timeline event. */
  latestMessage: string | null;
}

/** The preview's columns for a query over `tasks t`: only the task's status decides which is looked up. */
export const previewColumns = Prisma.sql`
  CASE WHEN t.status = 'completed' THEN (
    SELECT substring(a.content FROM 1 FOR ${HEAD_BYTES}) FROM artifacts a
    WHERE a.task_id = t.id AND a.kind IN ('markdown', 'csv', 'json', 'file')
    ORDER BY (a.name = 'answer.md') DESC, a.created_at DESC LIMIT 1)
  END AS "resultHead",
  CASE WHEN t.status = 'running' THEN (
    SELECT e.message FROM timeline_events e WHERE e.task_id = t.id ORDER BY e.id DESC LIMIT 1)
  END AS "latestMessage"`;

export function taskPreview(source: PreviewSource): string | null {
  if (source.latestMessage !== null) return oneLine(source.latestMessage);
  return source.resultHead ? firstLine(new TextDecoder().decode(source.resultHead)) : null;
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
