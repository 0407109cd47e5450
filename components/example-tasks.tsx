"use client";

import { useState, useTransition } from "react";
import { startExampleTaskAction } from "@/app/tasks/actions";
import type { ExampleTask } from "@/lib/demo/example-tasks";

/** One-tap example tasks for an empty inbox: each creates the task and opens it. */
export function ExampleTasks({ examples }: { examples: ExampleTask[] }) {
  const [pending, startTransition] = useTransition();
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // One key per visit: a double tap opens the same task instead of creating two.
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  const start = (id: string) => {
    setChosen(id);
    setError(null);
    startTransition(async () => {
      const result = await startExampleTaskAction(id, `${idempotencyKey}-${id}`);
      if (!result.ok) setError(result.message);
    });
  };

  return (
    <section aria-labelledby="examples-heading" className="mt-6 text-left">
      <h2 id="examples-heading" className="text-sm font-semibold text-slate-700">
        Or try an example
      </h2>
      <ul className="mt-2 grid gap-2 sm:grid-cols-3">
        {examples.map((example) => (
          <li key={example.id}>
            <button
              type="button"
              onClick={() => start(example.id)}
              disabled={pending}
              className="flex min-h-11 w-full flex-col rounded-xl border border-slate-200 bg-white px-4 py-3 text-left hover:border-indigo-300 disabled:opacity-60"
            >
              <span className="font-medium text-slate-900">{pending && chosen === example.id ? "Starting…" : example.title}</span>
              <span className="mt-0.5 text-sm text-slate-600">{example.shows}</span>
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="mt-2 text-sm text-rose-700">
          {error}
        </p>
      )}
    </section>
  );
}
