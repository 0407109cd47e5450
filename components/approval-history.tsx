import { LocalTime } from "@/components/local-time";
import type { ApprovalView } from "@/lib/approvals/views";

type Outcome = { label: string; style: string };

const styles = {
  approved: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  denied: "bg-rose-50 text-rose-800 ring-rose-300",
  muted: "bg-slate-100 text-slate-600 ring-slate-300",
};

function outcomeOf(approval: ApprovalView): Outcome {
  if (approval.status === "approved") {
    return { label: approval.editedArguments !== null ? "Approved with edits" : "Approved", style: styles.approved };
  }
  if (approval.status === "denied") {
    return approval.decidedVia === "cancel" ? { label: "Dismissed", style: styles.muted } : { label: "Denied", style: styles.denied };
  }
  // Pending past its expiry: the workflow has not settled it yet, but nobody can decide it now.
  return { label: "Expired", style: styles.muted };
}

/** "web", "api", "push: Pixel 7", "cancel" as a reader says them. */
function howDecided(via: string | null): string | null {
  if (!via) return null;
  if (via === "web") return "on the web";
  if (via === "api") return "through the API";
  if (via === "cancel") return "by canceling the task";
  if (via.startsWith("push")) {
    const device = via.slice("push".length).replace(/^:\s*/, "");
    return device ? `from a notification on ${device}` : "from a notification";
  }
  return `via ${via}`;
}

/** Decided and expired requests, compactly: what was asked, the answer, and who gave it when and how. */
export function ApprovalHistory({ approvals }: { approvals: ApprovalView[] }) {
  if (approvals.length === 0) return null;
  return (
    <section aria-labelledby="approval-history-heading">
      <h2 id="approval-history-heading" className="mb-3 text-sm font-semibold tracking-wide text-slate-500 uppercase">
        Approvals
      </h2>
      <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="approval-history">
        {approvals
          .slice()
          .reverse()
          .map((approval) => {
            const outcome = outcomeOf(approval);
            const how = howDecided(approval.decidedVia);
            const ranWith = approval.editedArguments ?? approval.arguments;
            return (
              <li key={approval.id} className="px-4 py-3" data-testid="approval-history-item" data-status={approval.status}>
                <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                  <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${outcome.style}`}>
                    {outcome.label}
                  </span>
                  <span className="font-mono text-sm text-slate-900">{approval.toolName}</span>
                </div>
                <p className="mt-1 font-mono text-xs break-all text-slate-700">{approval.target}</p>
                <p className="mt-1 text-xs text-slate-500">
                  {approval.decidedAt ? (
                    <>
                      By you{how ? ` ${how}` : ""} · <LocalTime iso={approval.decidedAt} />
                    </>
                  ) : (
                    <>
                      Nobody answered; expired <LocalTime iso={approval.expiresAt} />
                    </>
                  )}
                </p>
                {approval.decisionNote && approval.decidedVia !== "cancel" && (
                  <p dir="auto" className="mt-1 text-sm break-words whitespace-pre-wrap text-slate-700">
                    “{approval.decisionNote}”
                  </p>
                )}
                <details className="mt-1 text-xs">
                  <summary className="flex min-h-11 cursor-pointer items-center text-indigo-700">{approval.status === "approved" ? "Arguments it ran with" : "Arguments"}</summary>
                  <pre className="code-block mt-1 max-h-48 overflow-auto rounded-lg p-2 font-mono whitespace-pre-wrap wrap-anywhere">{JSON.stringify(ranWith, null, 2)}</pre>
                </details>
              </li>
            );
          })}
      </ul>
    </section>
  );
}
