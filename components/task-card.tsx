import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { RiskBadge } from "@/components/risk-badge";
import { StatusChip } from "@/components/status-chip";
import type { ApprovalView } from "@/lib/approvals/views";
import type { TaskListItem } from "@/lib/tasks/views";

/** One task in the inbox; `approval` is the pending request it waits on, if any. */
export function TaskCard({ task, approval }: { task: TaskListItem; approval?: ApprovalView }) {
  return (
    <li>
      <Link
        href={`/tasks/${task.id}`}
        data-testid="task-card"
        data-task-id={task.id}
        className="block h-full rounded-xl border border-slate-200 bg-white p-4 shadow-sm transition hover:border-indigo-300 hover:shadow focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <div className="flex items-start justify-between gap-3">
          <h2 dir="auto" className="line-clamp-2 min-w-0 font-medium break-words text-slate-900">
            {task.title}
          </h2>
          <StatusChip status={task.status} task={task} />
        </div>
        {task.preview && !approval && (
          <p dir="auto" data-testid="task-card-preview" className="mt-1 truncate text-sm text-slate-600">
            {task.preview}
          </p>
        )}
        <p className="mt-1 flex flex-wrap items-center gap-x-2 text-xs text-slate-500">
          {task.parentTaskId && (
            <span data-testid="task-card-subtask" className="inline-flex items-center gap-1 font-medium text-indigo-700">
              <span aria-hidden>↳</span> Sub-task
            </span>
          )}
          {task.fromSchedule && (
            <span data-testid="task-card-scheduled" className="inline-flex items-center gap-1 font-medium text-indigo-700">
              <span aria-hidden>↻</span> Scheduled run
            </span>
          )}
          <span>
            {task.scheduled ? (
              <>
                Starts <LocalTime iso={task.runAt!} />
              </>
            ) : (
              <>
                Created <LocalTime iso={task.createdAt} />
              </>
            )}
          </span>
        </p>
        {approval && (
          <div className="mt-2 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2" data-testid="task-card-approval">
            <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
              <RiskBadge risk={approval.risk} />
              <p className="text-sm text-amber-950">
                Asks to run <span className="font-mono">{approval.toolName}</span>
              </p>
            </div>
            <p className="mt-0.5 truncate font-mono text-xs text-slate-600">{approval.target}</p>
          </div>
        )}
        {task.status === "failed" && task.statusReason && (
          <p dir="auto" className="mt-2 line-clamp-2 text-sm text-rose-700">
            {task.statusReason}
          </p>
        )}
      </Link>
    </li>
  );
}
