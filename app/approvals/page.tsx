import type { Metadata } from "next";
import Link from "next/link";
import { LiveUpdates } from "@/components/live-updates";
import { LocalTime } from "@/components/local-time";
import { RiskBadge } from "@/components/risk-badge";
import { listPendingApprovals } from "@/lib/approvals/list-pending-approvals";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Approvals" };

/** Every request waiting for the person, across tasks; each is decided on its task's page. */
export default async function ApprovalsPage() {
  const approvals = await listPendingApprovals(db(), { userId: await currentUserId() });

  return (
    <div>
      <div className="mb-1 flex items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Approvals</h1>
        <LiveUpdates />
      </div>
      <p className="mb-5 text-sm text-slate-600">Actions your agents want to take. Nothing runs until you approve it.</p>
      {approvals.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center">
          <p className="font-medium">Nothing is waiting for you.</p>
          <p className="mt-1 text-sm text-slate-600">When an agent wants to do something risky, it asks here first.</p>
        </div>
      ) : (
        <ul className="space-y-3" data-testid="approval-list">
          {approvals.map((approval) => (
            <li key={approval.id}>
              <Link
                href={`/tasks/${approval.taskId}`}
                data-testid="approval-list-item"
                data-approval-id={approval.id}
                className="block rounded-xl border border-amber-200 bg-white p-4 shadow-sm transition hover:border-amber-400 hover:shadow focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                <div className="flex items-start justify-between gap-3">
                  <h2 dir="auto" className="line-clamp-2 min-w-0 font-medium break-words text-slate-900">
                    {approval.taskTitle}
                  </h2>
                  <RiskBadge risk={approval.risk} />
                </div>
                <p className="mt-2 text-sm text-slate-700">
                  Asks to run <span className="font-mono">{approval.toolName}</span>
                </p>
                <p className="mt-0.5 font-mono text-xs break-all text-slate-600">{approval.target}</p>
                {/* The agent's words, as text: model output is never rendered as markup. */}
                <p dir="auto" className="mt-2 line-clamp-2 text-sm break-words text-slate-600">
                  “{approval.reason}”
                </p>
                <div className="mt-2 flex items-center justify-between gap-3 text-xs">
                  <span className="text-slate-500">
                    Expires <LocalTime iso={approval.expiresAt} />
                  </span>
                  <span className="shrink-0 font-medium text-indigo-700">Review →</span>
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
