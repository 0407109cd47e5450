import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { TakeoverView } from "@/components/takeover-view";
import { requireUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { claimTakeoverLink } from "@/lib/takeover/takeover-links";

export const metadata: Metadata = { title: "Take over" };
export const viewport: Viewport = { width: "device-width", initialScale: 1, maximumScale: 1 };
export const dynamic = "force-dynamic";

export default async function TakeoverPage({ params }: PageProps<"/takeover/[token]">) {
  const { token } = await params;
  const user = await requireUser();
  const claim = await claimTakeoverLink(db(), { token, userId: user.id });
  if (!claim.ok) {
    return (
      <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-4 bg-slate-50 p-6 text-slate-900">
        <h1 className="text-xl font-semibold">This link cannot be used</h1>
        <p className="text-base text-slate-700" data-refusal={claim.refusal}>
          {claim.message}
        </p>
        <Link href="/" className="inline-flex min-h-11 items-center font-medium text-indigo-700 hover:underline">
          Open Baton
        </Link>
      </main>
    );
  }
  return <TakeoverView takeoverId={claim.takeover.id} taskId={claim.takeover.taskId} reason={claim.takeover.reason} />;
}
