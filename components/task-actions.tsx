"use client";

import { useState, useTransition } from "react";
import { cancelTaskAction, retryTaskAction } from "@/app/tasks/actions";
import type { ActionResult } from "@/lib/http/action-result";
import type { TaskStatus } from "@/lib/tasks/status";

export function TaskActions({ taskId, status }: { taskId: string; status: TaskStatus }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string>();
  const cancellable = status === "queued" || status === "running" || status === "waiting_approval";
  const retriable = status === "failed" || status === "canceled";
  if (!cancellable && !retriable) return null;

  const run = (action: (id: string) => Promise<ActionResult>) =>
    startTransition(async () => {
      const result = await action(taskId);
      setError(result.ok ? undefined : result.message);
    });

  return (
    <div className="flex shrink-0 flex-col items-start gap-2 sm:items-end">
      {cancellable && (
        <button
          type="button"
          disabled={pending}
          onClick={() => run(cancelTaskAction)}
          className="inline-flex min-h-11 items-center rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm whitespace-nowrap font-medium text-slate-800 shadow-sm hover:bg-slate-50 disabled:opacity-60"
        >
          {pending ? "Canceling…" : "Cancel task"}
        </button>
      )}
      {retriable && (
        <button
          type="button"
          disabled={pending}
          onClick={() => run(retryTaskAction)}
          className="inline-flex min-h-11 items-center rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold whitespace-nowrap text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60"
        >
          {pending ? "Retrying…" : "Retry"}
        </button>
      )}
      {error && (
        <p role="alert" className="text-sm text-rose-700">
          {error}
        </p>
      )}
    </div>
  );
}
