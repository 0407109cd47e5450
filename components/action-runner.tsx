"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ActionResult } from "@/lib/http/action-result";

/**
 * The buttons beside a record (pause, delete, disconnect) all run a server action the same way:
 * busy while it runs, its refusal shown beside the buttons, the page re-read when it worked.
 */
export function useActionRunner() {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function run<T>(action: () => Promise<ActionResult<T>>, then?: (value: T) => void) {
    setBusy(true);
    const result = await action();
    setBusy(false);
    setError(result.ok ? undefined : result.message);
    if (result.ok) {
      then?.(result.value);
      router.refresh();
    }
  }

  /** Runs the action only once the person confirms what it will do. */
  const runConfirmed = <T,>(question: string, action: () => Promise<ActionResult<T>>, then?: (value: T) => void) => {
    if (window.confirm(question)) void run(action, then);
  };

  return { busy, error, run, runConfirmed };
}

export function ActionError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="text-sm text-rose-700">
      {message}
    </p>
  );
}
