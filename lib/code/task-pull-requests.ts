// The pull requests a task opened, for its page: read from the timeline's open_pull_request calls
// (their recorded output), newest first, one per URL (a retried call finds the same one).
import { z } from "zod";
import type { Db } from "@/lib/db";

const pullRequestOutput = z.object({ number: z.number().int(), url: z.url(), draft: z.boolean().optional() });

export interface TaskPullRequest {
  number: number;
  url: string;
  draft: boolean;
}

export async function taskPullRequests(db: Db, params: { userId: string; taskId: string }): Promise<TaskPullRequest[]> {
  const events = await db.timelineEvent.findMany({
    where: { taskId: params.taskId, task: { userId: params.userId }, type: "tool.called", data: { path: ["tool"], equals: "open_pull_request" } },
    orderBy: { id: "desc" },
    select: { data: true },
    take: 20,
  });
  const seen = new Map<string, TaskPullRequest>();
  for (const event of events) {
    const result = (event.data as { result?: unknown } | null)?.result;
    if (typeof result !== "string") continue;
    let parsed;
    try {
      parsed = pullRequestOutput.safeParse(JSON.parse(result));
    } catch {
      continue;
    }
    if (!parsed.success) continue;
    // Only web links: a forge's answer is data, and an href must not become javascript:.
    if (!/^https?:\/\//.test(parsed.data.url) || seen.has(parsed.data.url)) continue;
    seen.set(parsed.data.url, { number: parsed.data.number, url: parsed.data.url, draft: parsed.data.draft ?? true });
  }
  return [...seen.values()];
}
