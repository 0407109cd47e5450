import Link from "next/link";
import { countPendingApprovals } from "@/lib/approvals/list-pending-approvals";
import { db } from "@/lib/db";

const linkClass =
  "inline-flex min-h-10 items-center gap-1.5 rounded-full px-2 py-2 text-sm sm:px-3 font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

/** The header's way to what needs the person, with how many requests wait (live pages refresh it). */
export async function ApprovalsNavLink({ userId }: { userId: string }) {
  // The header must render even when the database is away: the page under it says what is wrong.
  const count = await countPendingApprovals(db(), { userId }).catch(() => 0);
  return (
    <Link href="/approvals" className={linkClass} aria-label={count > 0 ? `Approvals, ${count} waiting` : undefined} data-testid="approvals-nav">
      Approvals
      {count > 0 && (
        <span aria-hidden data-testid="approvals-count" className="min-w-5 rounded-full bg-amber-500 px-1.5 text-center text-xs leading-5 font-semibold text-white">
          {count > 99 ? "99+" : count}
        </span>
      )}
    </Link>
  );
}

export function ApprovalsNavLinkFallback() {
  return (
    <Link href="/approvals" className={linkClass}>
      Approvals
    </Link>
  );
}
