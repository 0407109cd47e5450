"use client";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <div role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-5 text-rose-900">
      <h1 className="text-lg font-semibold">This page could not load.</h1>
      <p className="mt-1 text-sm">
        Baton may be restarting or its database may be unreachable. Your tasks are safe. Try again in a moment; if it keeps
        failing, check the terminal where Baton runs.
      </p>
      <button onClick={reset} className="mt-4 rounded-lg bg-rose-700 px-4 py-2 text-sm font-medium text-white hover:bg-rose-600">
        Try again
      </button>
    </div>
  );
}
