"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { deleteTriggerAction, rotateTriggerSecretAction, setTriggerPausedAction } from "@/app/triggers/actions";
import { SecretOnce } from "@/components/secret-once";
import type { ActionResult } from "@/lib/http/action-result";

const buttonClass = "inline-flex min-h-11 items-center justify-center rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60";

export function TriggerActions({ triggerId, paused, webhook }: { triggerId: string; paused: boolean; webhook: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<string>();

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

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <button type="button" disabled={busy} onClick={() => run(() => setTriggerPausedAction(triggerId, !paused))} className={buttonClass}>
          {paused ? "Resume" : "Pause"}
        </button>
        <a href={`/triggers/${triggerId}/edit`} className={buttonClass}>
          Edit
        </a>
        {webhook && (
          <button
            type="button"
            disabled={busy}
            onClick={() => window.confirm("Make a new secret? Deliveries signed with the old one are refused from now on.") && run(() => rotateTriggerSecretAction(triggerId), (value) => setSecret(value.secret))}
            className={buttonClass}
          >
            New secret
          </button>
        )}
        <button
          type="button"
          disabled={busy}
          onClick={() => window.confirm("Delete this trigger? Its URL stops working; the tasks it started stay.") && run(() => deleteTriggerAction(triggerId))}
          className={`${buttonClass} text-rose-700`}
        >
          Delete
        </button>
      </div>
      {secret && <SecretOnce secret={secret} />}
      {error && <p role="alert" className="text-sm text-rose-700">{error}</p>}
    </div>
  );
}
