import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { ApprovalsNavLink, ApprovalsNavLinkFallback } from "@/components/approvals-nav-link";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Baton", template: "%s · Baton" },
  description: "Hand Baton a task; an agent works on it in the background and brings back the result.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: "#312e81",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/90 backdrop-blur">
          <div className="mx-auto flex h-14 max-w-3xl items-center justify-between px-4">
            <Link href="/" className="flex items-center gap-2 text-lg font-semibold tracking-tight text-indigo-900">
              <span aria-hidden className="inline-block h-6 w-1.5 rotate-12 rounded-full bg-indigo-600" />
              Baton
            </Link>
            <nav aria-label="Main" className="flex items-center gap-1 sm:gap-2">
              <Suspense fallback={<ApprovalsNavLinkFallback />}>
                <ApprovalsNavLink />
              </Suspense>
              <Link
                href="/tasks/new"
                className="rounded-full bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
              >
                New task
              </Link>
            </nav>
          </div>
        </header>
        <main className="mx-auto max-w-3xl px-4 py-5 pb-10">{children}</main>
        <footer className="mx-auto max-w-3xl px-4 pb-10 text-sm text-slate-500">
          <Link href="/settings" className="hover:text-indigo-700 hover:underline">
            Settings: what the agent may do on its own
          </Link>
        </footer>
      </body>
    </html>
  );
}
