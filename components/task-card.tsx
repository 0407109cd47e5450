import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { StatusChip } from "@/components/status-chip";
import type { TaskSummary } from "@/lib/tasks/views";

export function TaskCard({ task }: { task: TaskSummary }) {
  const scheduled = task.status === "queued" && task.runAt !== null;
  return (
    <li>
      <Link
        href={`/tasks/${task.id}`}
        data-testid="task-card"
        data-task-id={task.id}
        className="block rounded-xl border border-slate-200 bg-white p-4 shadow-sm transition hover:border-indigo-300 hover:shadow focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <div className="flex items-start justify-between gap-3">
          <h2 className="min-w-0 truncate font-medium text-slate-900">{task.title}</h2>
          <StatusChip status={task.status} />
        </div>
        <p className="mt-1 text-xs text-slate-500">
          {scheduled ? (
            <>
              Starts <LocalTime iso={task.runAt!} />
            </>
          ) : (
            <>
              Created <LocalTime iso={task.createdAt} />
            </>
          )}
        </p>
        {task.status === "failed" && task.statusReason && <p className="mt-2 line-clamp-2 text-sm text-rose-700">{task.statusReason}</p>}
      </Link>
    </li>
  );
}
