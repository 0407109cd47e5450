/** The frame of the signed-out pages: one narrow card, readable on a phone. */
export function AuthPanel(props: { title: string; intro?: React.ReactNode; children: React.ReactNode }) {
  return (
    <div className="mx-auto max-w-sm pt-4 sm:pt-10">
      <h1 className="text-2xl font-semibold tracking-tight">{props.title}</h1>
      {props.intro && <div className="mt-1 text-sm text-slate-600">{props.intro}</div>}
      <div className="mt-6 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">{props.children}</div>
    </div>
  );
}
