// Why a takeover link or live view did not open, in words the person can act on.
import Link from "next/link";

export function TakeoverRefusal({ refusal, message }: { refusal: string; message: string }) {
  return (
    <div className="mx-auto flex max-w-md flex-col gap-4 py-6 text-slate-900">
      <h1 className="text-xl font-semibold">This link cannot be used</h1>
      <p className="text-base text-slate-700" data-refusal={refusal}>
        {message}
      </p>
      <Link href="/" className="inline-flex min-h-11 items-center font-medium text-indigo-700 hover:underline">
        Open Baton
      </Link>
    </div>
  );
}
