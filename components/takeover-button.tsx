"use client";
// On a running task's page: "Take over" asks the browser loop to hand over between two turns (the
// page then shows "Open the live view" once the agent waits); a waiting takeover opens directly
// (with a fresh single-use link), and one a person already holds has "Take over" back into the
// live view, which only the browser that opened it may use (its takeover cookie).
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { openTakeoverAction } from "@/app/takeover/actions";

export function TakeoverButton({ taskId, openTakeover }: { taskId: string; openTakeover: { id: string; status: string } | null }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  if (openTakeover?.status === "active") {
    return (
      <Link href={`/takeovers/${openTakeover.id}`} prefetch={false} className="inline-flex min-h-11 items-center rounded bg-indigo-600 px-4 text-sm font-semibold text-white">
        Take over
      </Link>
    );
  }
  if (openTakeover) {
    return (
      <form action={openTakeoverAction.bind(null, openTakeover.id)}>
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
