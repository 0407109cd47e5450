import type { PendingCodeChange } from "@/lib/code/pending-code-change";

/** On a push or pull-request approval: what would leave Baton, as Baton recorded it. */
export function CodeChangeSummary({ change }: { change: PendingCodeChange }) {
  return (
    <div data-testid="approval-code-change" className="space-y-1 rounded-lg border border-slate-200 bg-slate-50 p-3">
      <p className="font-mono text-sm break-all text-slate-900">
        {change.branch} <span className="text-slate-500">← {change.commit.slice(0, 7)}</span>
      </p>
      <p dir="auto" className="text-sm text-slate-800">
        {change.message}
      </p>
      <p className="text-sm text-slate-600">
        {change.files.length} file{change.files.length === 1 ? "" : "s"}, <span className="font-medium text-emerald-800">+{change.added}</span>{" "}
        <span className="font-medium text-rose-800">−{change.removed}</span>: <span className="font-mono break-all">{change.files.map((file) => file.path).join(", ")}</span>
      </p>
      <p className="text-sm text-slate-800" data-testid="approval-test-results">
        {change.tests ?? "No test results were saved."}
      </p>
    </div>
  );
}
