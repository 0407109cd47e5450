"use client";

import { useState, useTransition } from "react";
import { postMessageAction } from "@/app/tasks/actions";
import { isTerminal, type TaskStatus } from "@/lib/tasks/status";

/** A follow-up in the task's one conversation: read at the agent's next step, or a new run once finished. */
export function MessageForm({ taskId, status }: { taskId: string; status: TaskStatus }) {
  const [body, setBody] = useState("");
  const [error, setError] = useState<string>();
  /** What happened to the last message sent, said once (the status it was sent in may have changed since). */
  const [sent, setSent] = useState<string>();
  const [pending, startTransition] = useTransition();
  const finished = isTerminal(status);
  const hint = finished ? "Starts a new run with the earlier context." : "The agent reads it at its next step.";

  const send = () =>
    startTransition(async () => {
      setSent(undefined);
      const result = await postMessageAction(taskId, body);
      setError(result.ok ? undefined : result.message);
      if (result.ok) {
        setBody("");
        setSent(finished ? "Sent. A new run is starting." : "Sent. The agent will read it at its next step.");
      }
    });

  return (
    <form
      data-testid="message-form"
      aria-labelledby="message-heading"
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label id="message-heading" htmlFor="message-body" className="text-sm font-semibold text-slate-800">
        {finished ? "Follow up" : "Message the agent"}
      </label>
      <textarea
        id="message-body"
        name="body"
        rows={3}
        dir="auto"
        maxLength={20_000}
        value={body}
        onChange={(event) => {
          setBody(event.target.value);
          setSent(undefined);
        }}
        onKeyDown={(event) => {
          // Ctrl/Cmd+Enter sends, as in most chat boxes; Enter alone is a new line.
          if (event.key === "Enter" && (event.metaKey || event.ctrlKey) && !pending) {
            event.preventDefault();
            send();
          }
        }}
        placeholder={finished ? "Ask for a change or a next step…" : "Add a detail or change course…"}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? "message-error message-hint" : "message-hint"}
        className="mt-2 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none aria-[invalid=true]:border-rose-400"
      />
      <p id="message-hint" className="mt-1 text-xs text-slate-500">
        {hint}
      </p>
      <div className="mt-2 flex items-center justify-between gap-3">
        <div className="min-w-0 text-sm" aria-live="polite">
          {error ? (
            <p id="message-error" role="alert" className="text-rose-700">
              {error}
            </p>
          ) : (
            sent && <p className="text-emerald-700">{sent}</p>
          )}
        </div>
        <button
          type="submit"
          disabled={pending}
          className="inline-flex min-h-11 shrink-0 items-center rounded-lg bg-indigo-600 px-5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60"
        >
          {pending ? "Sending…" : "Send"}
        </button>
      </div>
    </form>
  );
}
