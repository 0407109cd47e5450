import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { StatusChip } from "@/components/status-chip";
import type { TaskSummary } from "@/lib/tasks/views";

export function TaskCard({ task }: { task: TaskSummary }) {
    return (
    <li>
      <Link
        href={`/tasks/${task.id}`}
        data-testid="task-card"
        data-task-id={task.id}
        className="block rounded-xl border border-slate-200 bg-white p-4 shadow-sm transition hover:border-indigo-300 hover:shadow focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <div className="flex items-start justify-between gap-3">
          <h2 className="line-clamp-2 min-w-0 font-medium break-words text-slate-900">{task.title}</h2>
          <StatusChip status={task.status} />
        </div>
        <p className="mt-1 text-xs text-slate-500">
          {task.scheduled ? (
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
