import Link from "next/link";
import { connection } from "next/server";
import { Suspense } from "react";
import { ApprovalsNavLink } from "@/components/approvals-nav-link";
import { MoreMenu } from "@/components/more-menu";
import { InboxIcon, SchedulesIcon } from "@/components/nav-icons";
import { NavLink } from "@/components/nav-link";
import { tabClass } from "@/components/nav-styles";
import { currentUser } from "@/lib/auth/current-user";

const iconClass = "lg:hidden";

/**
 * The app's navigation, for a signed-in person only (the sign-in pages show just the name). It is
 * one list for both sizes, so each place has one link: a bottom tab bar on phones (Inbox,
 * Approvals, Schedules, More) and links in the top bar from lg, where More's items show inline.
 */
export async function AppNav() {
  await connection();
  const user = await currentUser().catch(() => null);
  if (!user) return null;
  const more = [
    { href: "/triggers", label: "Triggers" },
    { href: "/settings", label: "Settings" },
    { href: "/devices", label: "Devices" },
    { href: "/credentials", label: "Credentials" },
    { href: "/mail", label: "Mail" },
    ...(user.role === "owner"
      ? [
          { href: "/people", label: "People" },
          { href: "/models", label: "Models" },
        ]
      : []),
  ];
  return (
    <>
      <nav
        aria-label="Main"
        data-testid="tab-bar"
        className="fixed inset-x-0 bottom-0 z-20 border-t border-slate-200 bg-white/95 pb-[env(safe-area-inset-bottom)] backdrop-blur lg:static lg:z-auto lg:flex-1 lg:border-0 lg:bg-transparent lg:pb-0 lg:backdrop-blur-none"
      >
        <ul className="grid grid-cols-4 lg:flex lg:items-center lg:gap-1">
          <li>
            <NavLink href="/" also={["/tasks/"]} except={["/tasks/new"]} className={tabClass}>
              <span className={iconClass}>
                <InboxIcon />
              </span>
              Inbox
            </NavLink>
          </li>
          <li>
            <Suspense fallback={<ApprovalsNavLink count={0} />}>
              <ApprovalsNavLink userId={user.id} />
            </Suspense>
          </li>
          <li>
            <NavLink href="/schedules" className={tabClass}>
              <span className={iconClass}>
                <SchedulesIcon />
              </span>
              Schedules
            </NavLink>
          </li>
          <li className="lg:contents">
            <MoreMenu links={more} userName={user.name} />
          </li>
        </ul>
      </nav>
      <Link
        href="/tasks/new"
        className="inline-flex min-h-11 shrink-0 items-center rounded-full bg-indigo-600 px-4 text-sm font-semibold whitespace-nowrap text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        New task
      </Link>
    </>
  );
}
