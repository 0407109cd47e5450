"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/**
 * A link of the app's navigation that marks itself as the current page (aria-current), which the
 * tab bar and the top bar style. `also` lists path prefixes it stands for too: the inbox is where a
 * task page belongs. `except` names pages under those prefixes that are not (New task has its own button).
 */
export function NavLink({
  href,
  also = [],
  except = [],
  ...props
}: React.ComponentProps<typeof Link> & { href: string; also?: string[]; except?: string[] }) {
  const pathname = usePathname();
  const current = !except.includes(pathname) && isCurrent(pathname, href, also);
  return <Link href={href} aria-current={current ? "page" : undefined} {...props} />;
}

export function isCurrent(pathname: string, href: string, also: readonly string[] = []): boolean {
  const within = (base: string) => (base === "/" ? pathname === "/" : pathname === base || pathname.startsWith(`${base}/`));
  return within(href) || also.some((prefix) => pathname.startsWith(prefix));
}
