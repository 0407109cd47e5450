import { ApprovalsIcon } from "@/components/nav-icons";
import { NavLink } from "@/components/nav-link";
import { tabClass } from "@/components/nav-styles";
import { countPendingApprovals } from "@/lib/approvals/list-pending-approvals";
import { db } from "@/lib/db";

/**
 * The tab to what needs the person, with how many requests wait (live pages refresh it). Given a
 * count it renders that (the fallback while the count loads); given a user it looks the count up.
 */
export async function ApprovalsNavLink(props: { userId: string } | { count: number }) {
  // The bar must render even when the database is away: the page under it says what is wrong.
  const count = "count" in props ? props.count : await countPendingApprovals(db(), { userId: props.userId }).catch(() => 0);
  return (
    <NavLink href="/approvals" className={tabClass} aria-label={count > 0 ? `Approvals, ${count} waiting` : undefined} data-testid="approvals-nav">
      <span className="lg:hidden">
        <ApprovalsIcon />
      </span>
      Approvals
      {count > 0 && (
        <span
          aria-hidden
          data-testid="approvals-count"
          className="absolute top-1 left-1/2 ml-1.5 min-w-5 rounded-full bg-amber-400 px-1.5 text-center text-xs leading-5 font-semibold text-black lg:static lg:ml-0"
        >
          {count > 99 ? "99+" : count}
        </span>
      )}
    </NavLink>
  );
}
