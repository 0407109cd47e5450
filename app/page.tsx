import Link from "next/link";
import { ExampleTasks } from "@/components/example-tasks";
import { LiveTaskList } from "@/components/live-task-list";
import { LiveUpdates } from "@/components/live-updates";
import { ModelNotice } from "@/components/model-notice";
import { TaskCard } from "@/components/task-card";
import { listPendingApprovals, type PendingApproval } from "@/lib/approvals/list-pending-approvals";
import { exampleTasks } from "@/lib/demo/example-tasks";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { listTasks } from "@/lib/tasks/list-tasks";
import { listTasksQuery } from "@/lib/tasks/schemas";
import { STATUS_LABELS, type TaskStatus } from "@/lib/tasks/status";

export const dynamic = "force-dynamic";

const FILTERS: (TaskStatus | undefined)[] = [undefined, "running", "waiting_approval", "queued", "completed", "failed", "canceled"];

export default async function InboxPage({ searchParams }: PageProps<"/">) {
  const params = await searchParams;
  const parsed = listTasksQuery.safeParse({ status: params.status, cursor: params.cursor });
  const query = parsed.success ? parsed.data : listTasksQuery.parse({});
  const userId = await currentUserId();
  const [{ tasks, nextCursor }, pending] = await Promise.all([listTasks(db(), { ...query, userId }), listPendingApprovals(db(), { userId })]);
  // A task waiting for a decision shows what it asks to do (the soonest to expire, if several).
  const askedBy = new Map<string, PendingApproval>();
  for (const approval of pending) if (!askedBy.has(approval.taskId)) askedBy.set(approval.taskId, approval);

  return (
    <div data-wide>
      <div className="mb-4 flex items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Inbox</h1>
        <LiveUpdates />
      </div>
      <ModelNotice />
      <nav aria-label="Filter by status" className="-mx-4 mb-4 flex gap-2 overflow-x-auto px-4 pb-1">
        {FILTERS.map((status) => {
          const active = query.status === status;
          return (
            <Link
              key={status ?? "all"}
              href={status ? `/?status=${status}` : "/"}
              aria-current={active ? "page" : undefined}
              className={`inline-flex min-h-11 shrink-0 items-center rounded-full px-4 text-sm ring-1 ring-inset ${
                active ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"
              }`}
            >
              {status ? STATUS_LABELS[status] : "All"}
              {status === "waiting_approval" && askedBy.size > 0 && (
                <span className={`ml-1.5 rounded-full px-1.5 text-xs font-semibold ${active ? "bg-white text-indigo-700" : "bg-amber-400 text-black"}`}>
                  {askedBy.size}
                </span>
              )}
            </Link>
          );
        })}
      </nav>
      <LiveTaskList
        taskIds={tasks.map((task) => task.id)}
        status={query.status}
        acceptsNew={!query.cursor}
        empty={
          <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center">
            <p className="font-medium">{emptyTitle(query.status)}</p>
            <p className="mt-1 text-sm text-slate-600">
              {query.status === "waiting_approval"
                ? "When an agent wants to do something risky, the task waits here for your decision."
                : "Hand Baton something to do, then come back for the result."}
            </p>
            <Link href="/tasks/new" className="mt-4 inline-flex min-h-11 items-center rounded-full bg-indigo-600 px-5 text-sm font-medium text-white">
              Create a task
            </Link>
            {!query.status && !query.cursor && <ExampleTasks examples={exampleTasks()} />}
          </div>
        }
      >
        {tasks.map((task) => (
          <TaskCard key={task.id} task={task} approval={askedBy.get(task.id)} />
        ))}
      </LiveTaskList>
      {nextCursor && (
        <div className="mt-6 text-center">
          <Link
            href={`/?${new URLSearchParams({ ...(query.status ? { status: query.status } : {}), cursor: nextCursor })}`}
            className="inline-flex min-h-11 items-center px-2 text-sm font-medium text-indigo-700 hover:underline"
          >
            Older tasks →
          </Link>
        </div>
      )}
    </div>
  );
}

function emptyTitle(status: TaskStatus | undefined): string {
  if (!status) return "No tasks yet.";
  if (status === "waiting_approval") return "Nothing needs your approval.";
  return `No ${STATUS_LABELS[status].toLowerCase()} tasks.`;
}
