// What a push_branch or open_pull_request approval is about, for its card: the branch, the
// commit message and diff stats propose_patch recorded for that commit (the effect journal's
// outcome, the whole output), and the latest test results of the task. All of it is what Baton
// recorded itself, not what the model claims in its arguments or its reason.
import { z } from "zod";
import type { Db } from "@/lib/db";

const CODE_APPROVAL_TOOLS = new Set(["push_branch", "open_pull_request"]);

const proposedPatch = z.object({
  commit: z.string(),
  branch: z.string(),
  message: z.string(),
  files: z.array(z.object({ path: z.string(), added: z.number().nullable().optional(), removed: z.number().nullable().optional() })),
  added: z.number(),
  removed: z.number(),
});
const outcome = z.object({ ok: z.literal(true), output: z.string() });
const codeArguments = z.object({ branch: z.string(), commit: z.string().optional() });

export interface PendingCodeChange {
  branch: string;
  commit: string;
  message: string;
  files: { path: string; added: number | null; removed: number | null }[];
  added: number;
  removed: number;
  /** The latest test results' verdict ("The tests pass: 2 passed, 0 failed"), or null when none was saved. */
  tests: string | null;
}

export async function pendingCodeChanges(
  db: Db,
  params: { userId: string; taskId: string; approvals: readonly { id: string; toolName: string; arguments: unknown }[] },
): Promise<Map<string, PendingCodeChange>> {
  const wanted = params.approvals.filter((approval) => CODE_APPROVAL_TOOLS.has(approval.toolName));
  if (wanted.length === 0) return new Map();
  const [effects, results] = await Promise.all([
    db.effect.findMany({ where: { tool: "propose_patch", run: { taskId: params.taskId, task: { userId: params.userId } } }, orderBy: { startedAt: "desc" }, select: { outcome: true } }),
    db.artifact.findFirst({
      where: { taskId: params.taskId, task: { userId: params.userId }, name: { in: ["test-results-after.md", "test-results-before.md"] } },
      orderBy: { createdAt: "desc" },
      select: { content: true },
    }),
  ]);
  const patches = effects.flatMap((effect) => {
    const recorded = outcome.safeParse(effect.outcome);
    if (!recorded.success) return [];
    try {
      const parsed = proposedPatch.safeParse(JSON.parse(recorded.data.output));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
  const tests = results ? (Buffer.from(results.content).toString("utf8").split("\n")[2]?.replaceAll("**", "").trim() ?? null) : null;
  const changes = new Map<string, PendingCodeChange>();
  for (const approval of wanted) {
    const args = codeArguments.safeParse(approval.arguments);
    if (!args.success) continue;
    // push_branch names the commit; open_pull_request the branch, whose newest patch it opens.
    const patch = patches.find((candidate) => (args.data.commit ? candidate.commit === args.data.commit : candidate.branch === args.data.branch));
    if (!patch) continue;
    changes.set(approval.id, {
      branch: args.data.branch,
      commit: patch.commit,
      message: patch.message,
      files: patch.files.map((file) => ({ path: file.path, added: file.added ?? null, removed: file.removed ?? null })),
      added: patch.added,
      removed: patch.removed,
      tests: tests || null,
    });
  }
  return changes;
}
