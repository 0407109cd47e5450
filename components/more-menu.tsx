"use client";

import { usePathname } from "next/navigation";
import { useState } from "react";
import { MoreIcon } from "@/components/nav-icons";
import { isCurrent, NavLink } from "@/components/nav-link";
import { tabClass } from "@/components/nav-styles";
import { SignOutButton } from "@/components/sign-out-button";

const itemClass =
  "flex min-h-11 items-center rounded-lg px-3 text-base text-slate-800 hover:bg-slate-100 aria-[current=page]:font-semibold aria-[current=page]:text-indigo-700 lg:rounded-full lg:px-2.5 lg:text-sm lg:whitespace-nowrap xl:px-3 lg:font-medium lg:text-slate-700 lg:aria-[current=page]:bg-indigo-50 lg:aria-[current=page]:text-indigo-700";

/**
 * The tab bar's fourth tab: a sheet above the bar with the pages that do not get a tab of their
 * own, and sign-out. From lg there is room, so the same links show inline in the top bar and the
 * More button is gone.
 */
export function MoreMenu({ links, userName }: { links: { href: string; label: string }[]; userName: string }) {
  const pathname = usePathname();
  // Open "at" a path: following one of its links changes the path, which closes it.
  const [openAt, setOpenAt] = useState<string | null>(null);
  const open = openAt === pathname;
  const here = links.some((link) => isCurrent(pathname, link.href));
  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="more-menu"
        aria-current={here ? "page" : undefined}
        onClick={() => setOpenAt(open ? null : pathname)}
        className={`${tabClass} lg:hidden`}
      >
        <MoreIcon />
        More
      </button>
      {open && <button type="button" aria-label="Close the menu" tabIndex={-1} onClick={() => setOpenAt(null)} className="fixed inset-0 -z-10 cursor-default lg:hidden" />}
      <div
        id="more-menu"
        className={`${open ? "flex" : "hidden"} absolute right-2 bottom-full mb-2 w-60 flex-col gap-0.5 rounded-xl border border-slate-200 bg-white p-2 shadow-lg lg:static lg:mb-0 lg:flex lg:w-auto lg:flex-1 lg:flex-row lg:items-center lg:gap-1 lg:border-0 lg:bg-transparent lg:p-0 lg:shadow-none`}
      >
        {links.map((link) => (
          <NavLink key={link.href} href={link.href} className={itemClass}>
            {link.label}
          </NavLink>
        ))}
        <p className="mt-1 border-t border-slate-100 px-3 pt-2 text-sm text-slate-500 lg:hidden">Signed in as {userName}</p>
        <SignOutButton className="flex min-h-11 items-center rounded-lg px-3 text-left text-base text-rose-700 hover:bg-rose-50 lg:ml-auto lg:rounded-full lg:px-2.5 lg:text-sm lg:whitespace-nowrap xl:px-3 lg:font-medium lg:text-slate-600 lg:hover:text-rose-700" />
      </div>
    </>
  );
}
