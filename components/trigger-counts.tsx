import type { TriggerView } from "@/lib/triggers/manage-triggers";

const badges: { key: keyof TriggerView["counts"]; label: string; className: string }[] = [
  { key: "created", label: "started", className: "bg-emerald-50 text-emerald-800 ring-emerald-300" },
  { key: "deduped", label: "duplicate", className: "bg-slate-100 text-slate-700 ring-slate-300" },
  { key: "rateLimited", label: "rate-limited", className: "bg-amber-50 text-amber-900 ring-amber-300" },
  { key: "skipped", label: "skipped while paused", className: "bg-slate-100 text-slate-700 ring-slate-300" },
  { key: "rejected", label: "refused", className: "bg-rose-50 text-rose-800 ring-rose-300" },
];

/** What became of every event so far; a zero count is left out. */
export function TriggerCounts({ counts }: { counts: TriggerView["counts"] }) {
  const shown = badges.filter((badge) => counts[badge.key] > 0);
  if (shown.length === 0) return <span className="text-sm text-slate-600">No events yet</span>;
  return (
    <span className="flex flex-wrap gap-1.5" data-testid="trigger-counts">
      {shown.map((badge) => (
        <span key={badge.key} data-count={badge.key} className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${badge.className}`}>
          {counts[badge.key]} {badge.label}
        </span>
      ))}
    </span>
  );
}
