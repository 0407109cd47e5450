"use client";

import { useState, useTransition } from "react";
import { decideFromLinkAction } from "@/app/approvals/link/actions";

/** One button: the link in the mail only opened this page; this click decides. */
export function ApprovalLinkForm({ token, decision }: { token: string; decision: "approve" | "deny" }) {
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const [pending, start] = useTransition();
  const label = decision === "approve" ? "Approve" : "Deny";
  if (result) {
    return (
      <p role={result.ok ? "status" : "alert"} className={`rounded-lg border px-3 py-2 text-sm ${result.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-rose-200 bg-rose-50 text-rose-800"}`}>
        {result.text}
      </p>
    );
  }
  return (
    <button
      type="button"
      disabled={pending}
      onClick={() =>
        start(async () => {
          const outcome = await decideFromLinkAction(token);
          setResult(outcome.ok ? { ok: true, text: `Done: the request is ${outcome.value.status}.` } : { ok: false, text: outcome.message });
        })
      }
      className={`min-h-11 rounded-lg px-4 text-sm font-semibold text-white shadow-sm disabled:opacity-70 ${decision === "approve" ? "bg-indigo-600 hover:bg-indigo-500" : "bg-rose-600 hover:bg-rose-500"}`}
    >
      {pending ? "Working…" : label}
    </button>
  );
}
