"use client";

import { useState } from "react";
import { deleteTriggerAction, rotateTriggerSecretAction, setTriggerPausedAction } from "@/app/triggers/actions";
import { ActionError, useActionRunner } from "@/components/action-runner";
import { secondaryButtonClass } from "@/components/form-field";
import { SecretOnce } from "@/components/secret-once";

export function TriggerActions({ triggerId, paused, webhook }: { triggerId: string; paused: boolean; webhook: boolean }) {
  const { busy, error, run, runConfirmed } = useActionRunner();
  const [secret, setSecret] = useState<string>();

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <button type="button" disabled={busy} onClick={() => run(() => setTriggerPausedAction(triggerId, !paused))} className={secondaryButtonClass}>
          {paused ? "Resume" : "Pause"}
        </button>
        <a href={`/triggers/${triggerId}/edit`} className={secondaryButtonClass}>
          Edit
        </a>
        {webhook && (
          <button
            type="button"
            disabled={busy}
            onClick={() => runConfirmed("Make a new secret? Deliveries signed with the old one are refused from now on.", () => rotateTriggerSecretAction(triggerId), (value) => setSecret(value.secret))}
            className={secondaryButtonClass}
          >
            New secret
          </button>
        )}
        <button
          type="button"
          disabled={busy}
          onClick={() => runConfirmed("Delete this trigger? Its URL stops working; the tasks it started stay.", () => deleteTriggerAction(triggerId))}
          className={`${secondaryButtonClass} text-rose-700`}
        >
          Delete
        </button>
      </div>
      {secret && <SecretOnce secret={secret} />}
      <ActionError message={error} />
    </div>
  );
}
