"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { clearOfflineCaches } from "@/components/service-worker-registration";

/** Signs this device out and forgets what it cached for offline reading. */
export function SignOutButton({ className }: { className?: string }) {
  const [pending, setPending] = useState(false);
  async function run() {
    setPending(true);
    await clearOfflineCaches();
    await signOut({ callbackUrl: "/sign-in" });
  }
  return (
    <button
      type="button"
      onClick={run}
      disabled={pending}
      className={className ?? "inline-flex min-h-11 items-center justify-center shrink-0 rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:border-rose-300 hover:text-rose-700"}
    >
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
