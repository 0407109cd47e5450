"use client";

import { useState } from "react";

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/** A notice's frame and its close button; closing sets `cookie`, which the server reads to leave it out. */
export function DismissibleNotice({ cookie, children }: { cookie: string; children: React.ReactNode }) {
  const [open, setOpen] = useState(true);
  if (!open) return null;
  const dismiss = () => {
    document.cookie = `${cookie}=dismissed; path=/; max-age=${ONE_YEAR_SECONDS}; samesite=lax`;
    setOpen(false);
  };
  return (
    <div
      role="note"
      data-testid="model-notice"
      className="mb-3 flex items-center gap-1 rounded-xl border border-amber-200 bg-amber-50 pl-3 text-sm leading-snug text-amber-950"
    >
      {children}
      <button
        type="button"
        onClick={dismiss}
        aria-label="Dismiss this notice"
        className="flex size-11 shrink-0 items-center justify-center rounded-xl text-lg text-amber-800 hover:bg-amber-100"
      >
        <span aria-hidden>×</span>
      </button>
    </div>
  );
}
