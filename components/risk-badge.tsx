// How much a tool call can do, at a glance: colour carries the class, the word says it too.
const styles: Record<string, string> = {
  destructive: "bg-rose-50 text-rose-800 ring-rose-300",
  external: "bg-amber-50 text-amber-900 ring-amber-300",
  write: "bg-sky-50 text-sky-800 ring-sky-300",
  read: "bg-slate-100 text-slate-700 ring-slate-300",
};

const labels: Record<string, string> = {
  destructive: "Destructive",
  external: "External effect",
  write: "Writes",
  read: "Read only",
};

export function RiskBadge({ risk }: { risk: string }) {
  return (
    <span
      data-testid="risk-badge"
      data-risk={risk}
      className={`inline-flex shrink-0 items-center rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[risk] ?? styles.read}`}
    >
      {labels[risk] ?? risk}
    </span>
  );
}
