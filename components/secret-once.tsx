"use client";

import { useState } from "react";

/** A secret shown this one time, with a copy button: Baton keeps only its hint afterwards. */
export function SecretOnce({ secret }: { secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div data-testid="secret-once" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
      <p className="font-medium">Copy the signing secret now: it is not shown again.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code className="min-w-0 flex-1 rounded bg-white px-2 py-1.5 font-mono text-xs break-all text-slate-900 ring-1 ring-amber-200">{secret}</code>
        <CopyButton text={secret} onCopied={() => setCopied(true)} label={copied ? "Copied" : "Copy"} />
      </div>
    </div>
  );
}

export function CopyButton({ text, label = "Copy", onCopied }: { text: string; label?: string; onCopied?: () => void }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      onClick={async () => {
        await navigator.clipboard?.writeText(text).catch(() => undefined);
        setDone(true);
        onCopied?.();
      }}
      className="inline-flex min-h-11 shrink-0 items-center rounded-lg border border-slate-300 bg-white px-3 text-sm font-medium text-slate-700 hover:bg-slate-50"
    >
      {onCopied ? label : done ? "Copied" : label}
    </button>
  );
}
