import Link from "next/link";

export default function NotFound() {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6 text-center">
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="mt-1 text-sm text-slate-600">This task does not exist, or the link is wrong.</p>
      <Link href="/" className="mt-2 inline-flex min-h-11 items-center text-sm font-medium text-indigo-700 hover:underline">
        Back to the inbox
      </Link>
    </div>
  );
}
