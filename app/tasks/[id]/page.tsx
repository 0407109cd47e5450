import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ApprovalCard } from "@/components/approval-card";
import { ApprovalHistory } from "@/components/approval-history";
import { ArtifactView } from "@/components/artifact-view";
import { LiveUpdates } from "@/components/live-updates";
import { LocalTime } from "@/components/local-time";
import { MessageForm } from "@/components/message-form";
import { StatusChip } from "@/components/status-chip";
import { SubtaskList } from "@/components/subtask-list";
import { TaskActions } from "@/components/task-actions";
import { TakeoverButton } from "@/components/takeover-button";
import { Timeline } from "@/components/timeline";
import { modelDisplayName } from "@/lib/agent/providers/model-names";
import { artifactPreviews } from "@/lib/artifacts/artifact-previews";
import { pendingCodeChanges } from "@/lib/code/pending-code-change";
import { taskPullRequests } from "@/lib/code/task-pull-requests";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getTaskOrThrow } from "@/lib/tasks/get-task";
import { runLabel } from "@/lib/tasks/views";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Task" };

const progressText: Partial<Record<string, string>> = {
  queued: "Waiting for a worker to pick this up.",
  running: "The agent is working on it. You can close this page; the result will be here.",
  waiting_approval: "The agent is waiting for your decision.",
};

export default async function TaskPage({ params }: PageProps<"/tasks/[id]">) {
  const { id } = await params;
  const userId = await currentUserId();
  const task = await getTaskOrThrow(db(), { userId, taskId: id }).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const [previews, pullRequests] = await Promise.all([artifactPreviews(db(), { userId, taskId: id }), taskPullRequests(db(), { userId, taskId: id })]);
  const { subtasks } = task;
  // Playbook screenshots are shown on the timeline, beside the step they picture.
  const results = task.artifacts.filter((artifact) => !artifact.mimeType.startsWith("image/"));
  const latestRun = task.runs.at(-1);
  // A takeover the agent waits on (a fresh link opens it) or one a person holds (their browser's cookie reopens it).
  const openTakeover = await db().takeover.findFirst({ where: { taskId: id, userId, status: { in: ["waiting", "active"] } }, orderBy: { createdAt: "desc" }, select: { id: true, status: true } });
  // Past its expiry a request cannot be decided any more (the workflow settles it shortly): it
  // belongs with the history, not under the buttons.
  const now = new Date().toISOString();
  const open = task.approvals.filter((approval) => approval.status === "pending" && approval.expiresAt > now);
  const settled = task.approvals.filter((approval) => !open.includes(approval));
  const codeChanges = await pendingCodeChanges(db(), { userId, taskId: id, approvals: open });

  const header = (
    <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
      <div className="min-w-0">
        <div className="flex items-center gap-2">
          <StatusChip status={task.status} task={task} />
          {latestRun && latestRun.number > 1 && <span className="text-xs text-slate-500">Run {latestRun.number}</span>}
        </div>
        <h1 dir="auto" className="mt-2 text-xl font-semibold tracking-tight break-words sm:text-2xl">
          {task.title}
        </h1>
        {/* A task created with a start time waits for it, not for a worker (a retry starts at once). */}
        {task.scheduled ? (
          <p className="mt-1 text-sm text-slate-600">
            Scheduled for <LocalTime iso={task.runAt!} />.
          </p>
        ) : (
          progressText[task.status] && <p className="mt-1 text-sm text-slate-600">{progressText[task.status]}</p>
        )}
      </div>
      <TaskActions taskId={task.id} status={task.status} />
      {task.status === "running" && <TakeoverButton taskId={task.id} openTakeover={openTakeover} />}
    </div>
  );

  // A desktop reads the task in two columns: what it is and what came of it on the left, how it
  // got there (instructions, decisions, timeline) beside it. A phone stacks them in that order.
  return (
    <div data-wide className="space-y-6 lg:grid lg:grid-cols-[minmax(0,1fr)_minmax(0,24rem)] lg:items-start lg:gap-x-10 lg:space-y-0">
      <div className="space-y-6">
        <div className="-mt-2 flex items-center justify-between">
          {task.parent ? (
            <Link
              href={`/tasks/${task.parent.id}`}
              data-testid="parent-task-link"
              className="-ml-2 inline-flex min-h-11 min-w-0 items-center rounded-lg px-2 text-sm font-medium text-indigo-700 hover:underline"
            >
              <span className="truncate" dir="auto">
                ← Sub-task of {task.parent.title}
              </span>
            </Link>
          ) : (
            <Link href="/" className="-ml-2 inline-flex min-h-11 items-center rounded-lg px-2 text-sm font-medium text-indigo-700 hover:underline">
              ← Inbox
            </Link>
          )}
          <LiveUpdates taskId={task.id} relatedTaskIds={subtasks.map((subtask) => subtask.id)} />
        </div>

        {/* A decision waits: the request and its buttons come first, above Cancel and the rest. */}
        {open.length > 0 && (
          <div className="space-y-4">
            {open.map((approval) => (
              <ApprovalCard key={approval.id} approval={approval} codeChange={codeChanges.get(approval.id)} />
            ))}
          </div>
        )}

        {header}

        {pullRequests.length > 0 && (
          <ul aria-label="Pull requests" className="space-y-2">
            {pullRequests.map((pull) => (
              <li key={pull.url} className="rounded-xl border border-emerald-200 bg-emerald-50 px-4 py-2 text-sm text-emerald-900">
                {pull.draft ? "Draft pull request" : "Pull request"}{" "}
                <a href={pull.url} target="_blank" rel="noreferrer noopener" data-testid="pull-request-link" className="inline-flex min-h-11 items-center font-semibold break-all underline">
                  #{pull.number}: {pull.url}
                </a>
              </li>
            ))}
          </ul>
        )}

        {task.status === "failed" && (
          <div role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900">
            <p className="font-semibold">This task failed.</p>
            <p dir="auto" className="mt-1 break-words">
              {task.statusReason ?? "No reason was recorded."}
            </p>
            <p className="mt-2 text-rose-800">Fix what the message points at (a model setting, a quota), then press Retry.</p>
          </div>
        )}

        {results.length > 0 && (
          <section id="result" aria-labelledby="result-heading" className="scroll-mt-20 space-y-3">
            <h2 id="result-heading" className="text-sm font-semibold tracking-wide text-slate-500 uppercase">
              Result
            </h2>
            {task.runs
              .filter((run) => results.some((artifact) => artifact.runId === run.id))
              .reverse()
              .map((run) => (
                <div key={run.id} className="space-y-2" data-testid="run-result">
                  <h3 className="text-xs font-medium text-slate-500" dir="auto">
                    {runLabel(run)}
                  </h3>
                  {results
                    .filter((artifact) => artifact.runId === run.id)
                    .reverse()
                    .map((artifact) => (
                      <ArtifactView key={artifact.id} artifact={artifact} content={previews.get(artifact.id) ?? null} />
                    ))}
                </div>
              ))}
          </section>
        )}

        {subtasks.length > 0 && <SubtaskList subtasks={subtasks} />}

        <MessageForm taskId={task.id} status={task.status} />
      </div>

      <div className="space-y-6">
        <details className="rounded-xl border border-slate-200 bg-white shadow-sm" open={results.length === 0}>
          <summary className="flex min-h-11 cursor-pointer items-center px-4 text-sm font-semibold text-slate-700">Instructions</summary>
          <p dir="auto" className="px-4 text-sm whitespace-pre-wrap break-words text-slate-800">
            {task.prompt}
          </p>
          <p className="px-4 pt-3 pb-4 text-xs text-slate-500">
            Model: {task.provider === "demo" ? "Demo model (scripted, no AI)" : modelDisplayName(task.provider, task.model)}
            {latestRun && latestRun.inputTokens + latestRun.outputTokens > 0 && (
              <> · {latestRun.inputTokens + latestRun.outputTokens} tokens in the latest run</>
            )}
          </p>
        </details>

        <ApprovalHistory approvals={settled} />

        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading" className="mb-3 text-sm font-semibold tracking-wide text-slate-500 uppercase">
            Timeline
          </h2>
          <Timeline events={task.events} />
        </section>
      </div>
    </div>
  );
}
