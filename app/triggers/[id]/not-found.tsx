import Link from "next/link";

/** Someone else's trigger, a deleted one or a mistyped link: all look the same from here. */
export default function TriggerNotFound() {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6 text-center">
      <h1 className="text-lg font-semibold">Trigger not found</h1>
      <p className="mt-1 text-sm text-slate-600">This trigger does not exist, or the link is wrong.</p>
      <Link href="/triggers" className="mt-2 inline-flex min-h-11 items-center text-sm font-medium text-indigo-700 hover:underline">
        Back to the triggers
      </Link>
    </div>
  );
}
