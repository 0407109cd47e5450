"use client";

import { useSyncExternalStore } from "react";
import { freshest, serverTaskPatches, subscribeTaskPatches, taskPatches } from "@/lib/live/task-patches";
import { STATUS_LABELS, type TaskStatus } from "@/lib/tasks/status";

const styles: Record<TaskStatus, string> = {
  queued: "bg-slate-100 text-slate-700 ring-slate-300",
  running: "bg-sky-50 text-sky-800 ring-sky-300",
  waiting_approval: "bg-amber-50 text-amber-900 ring-amber-300",
  completed: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  failed: "bg-rose-50 text-rose-800 ring-rose-300",
  canceled: "bg-slate-100 text-slate-600 ring-slate-300",
};

/** A task's status; given the task (id and updatedAt), it follows the live stream at once. */
export function StatusChip({ status: rendered, task }: { status: TaskStatus; task?: { id: string; updatedAt: string } }) {
  const patches = useSyncExternalStore(subscribeTaskPatches, taskPatches, serverTaskPatches);
  const status = task ? freshest({ status: rendered, updatedAt: task.updatedAt }, patches.get(task.id)).status : rendered;
  return (
    <span
      data-testid="status-chip"
      data-status={status}
      className={`inline-flex shrink-0 items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[status]}`}
    >
      {status === "running" && <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" />}
      {STATUS_LABELS[status]}
    </span>
  );
}
