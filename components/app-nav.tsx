import Link from "next/link";
import { connection } from "next/server";
import { Suspense } from "react";
import { ApprovalsNavLink, ApprovalsNavLinkFallback } from "@/components/approvals-nav-link";
import { currentUser } from "@/lib/auth/current-user";

/** The header's links, for a signed-in person only: the sign-in pages show just the name. */
export async function AppNav() {
  await connection();
  const user = await currentUser().catch(() => null);
  if (!user) return null;
  return (
    <nav aria-label="Main" className="flex items-center gap-1 sm:gap-2">
      <Suspense fallback={<ApprovalsNavLinkFallback />}>
        <ApprovalsNavLink userId={user.id} />
      </Suspense>
      <Link href="/schedules" className="inline-flex min-h-10 items-center rounded-full px-2 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 sm:px-3">
        Schedules
      </Link>
      <Link
        href="/tasks/new"
        className="rounded-full bg-indigo-600 px-3 py-2 text-sm font-medium whitespace-nowrap sm:px-4 text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        New task
      </Link>
    </nav>
  );
}

const footerLink = "hover:text-indigo-700 hover:underline";

export async function AppFooterLinks() {
  await connection();
  const user = await currentUser().catch(() => null);
  if (!user) return null;
  return (
    <nav aria-label="Account" className="flex flex-wrap gap-x-4 gap-y-2">
      <Link href="/settings" className={footerLink}>
        Settings: what the agent may do on its own
      </Link>
      <Link href="/devices" className={footerLink}>
        Devices and notifications
      </Link>
      {user.role === "owner" && (
        <>
          <Link href="/people" className={footerLink}>
            People
          </Link>
          <Link href="/models" className={footerLink}>
            Models
          </Link>
        </>
      )}
      <span className="text-slate-400">Signed in as {user.name}</span>
    </nav>
  );
}
