"use client";
// On a running task's page: "Take over" asks the browser loop to hand over between two turns (the
// page then shows "Open the live view" once the agent waits); a waiting takeover opens directly.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { openTakeoverAction } from "@/app/takeover/actions";

export function TakeoverButton({ taskId, waitingTakeoverId }: { taskId: string; waitingTakeoverId: string | null }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  if (waitingTakeoverId) {
    return (
      <form action={openTakeoverAction.bind(null, waitingTakeoverId)}>
        <button type="submit" className="min-h-11 rounded bg-indigo-600 px-4 text-sm font-semibold text-white">Open the live view</button>
      </form>
    );
  }
  return (
    <div className="flex items-center gap-2">
      <button
        type="button"
        className="min-h-11 rounded border border-slate-300 bg-white px-4 text-sm font-medium text-slate-900"
        onClick={async () => {
          const response = await fetch(`/api/tasks/${taskId}/takeover`, { method: "POST" });
          setMessage(response.ok ? "Asked: the agent hands over after its current step." : "The agent is not driving a browser now.");
          router.refresh();
        }}
      >
        Take over
      </button>
      {message ? <span className="text-sm text-slate-700" role="status">{message}</span> : null}
    </div>
  );
}
