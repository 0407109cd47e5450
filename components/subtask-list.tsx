import Link from "next/link";
import { StatusChip } from "@/components/status-chip";
import { isTerminal } from "@/lib/tasks/status";
import type { TaskSummary } from "@/lib/tasks/views";

/**
 * A task's sub-tasks (spawn_subtasks), each a link to its own page with its status. The chips
 * follow the live stream by themselves; the page re-renders as the sub-tasks change (LiveUpdates).
 */
export function SubtaskList({ subtasks }: { subtasks: TaskSummary[] }) {
  const ended = subtasks.filter((subtask) => isTerminal(subtask.status)).length;
  return (
    <section aria-labelledby="subtasks-heading" data-testid="subtasks">
      <h2 id="subtasks-heading" className="mb-1 text-sm font-semibold tracking-wide text-slate-500 uppercase">
        Sub-tasks
      </h2>
      <p className="mb-3 text-xs text-slate-500" data-testid="subtasks-progress">
        {ended === subtasks.length ? `All ${subtasks.length} have ended.` : `${ended} of ${subtasks.length} have ended; they run at the same time.`}
      </p>
      <ul className="space-y-2">
        {subtasks.map((subtask) => (
          <li key={subtask.id}>
            <Link
              href={`/tasks/${subtask.id}`}
              data-testid="subtask-link"
              data-task-id={subtask.id}
              className="flex min-h-11 items-center justify-between gap-3 rounded-xl border border-slate-200 bg-white px-4 py-2 shadow-sm transition hover:border-indigo-300 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              <span dir="auto" className="min-w-0 truncate text-sm font-medium text-slate-900">
                {subtask.title}
              </span>
              <StatusChip status={subtask.status} task={subtask} />
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
