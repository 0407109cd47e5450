import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { AppNav } from "@/components/app-nav";
import { ReaderClockProvider } from "@/components/local-time";
import { OfflineBanner } from "@/components/offline-banner";
import { ServiceWorkerRegistration } from "@/components/service-worker-registration";
import { requestClock } from "@/lib/time/request-clock";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Baton", template: "%s · Baton" },
  description: "Hand Baton a task; an agent works on it in the background and brings back the result.",
  // Installed on a home screen (app/manifest.ts): iOS reads these rather than the manifest.
  appleWebApp: { capable: true, title: "Baton", statusBarStyle: "default" },
  icons: { icon: [{ url: "/icons/icon.svg", type: "image/svg+xml" }], apple: [{ url: "/icons/apple-touch-icon.png", sizes: "180x180" }] },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  // The browser's bar: indigo on the light page, the page's own near-black in dark mode.
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#312e81" },
    { media: "(prefers-color-scheme: dark)", color: "#020617" },
  ],
  // Drawn under a phone's notch and home indicator; the tab bar keeps its taps above them.
  viewportFit: "cover",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Times render in the reader's zone, which components/local-time.tsx records in a cookie.
  const clock = await requestClock();
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <header className="sticky top-0 z-20 border-b border-slate-200 bg-white pt-[env(safe-area-inset-top)]">
          <div className="mx-auto flex h-14 max-w-6xl items-center justify-between gap-4 px-4 lg:px-6">
            <Link href="/" className="flex min-h-11 shrink-0 items-center gap-2 text-lg font-semibold tracking-tight text-indigo-900">
              <span aria-hidden className="inline-block h-6 w-1.5 rotate-12 rounded-full bg-indigo-600" />
              Baton
            </Link>
            <Suspense>
              <AppNav />
            </Suspense>
          </div>
        </header>
        <OfflineBanner />
        <ServiceWorkerRegistration />
        {/* Pages are a reading column; one that uses a desktop's width says so with data-wide.
            The bottom padding keeps the end of a page clear of the phone's tab bar. */}
        <main className="mx-auto max-w-6xl px-4 pt-5 pb-[calc(6rem+env(safe-area-inset-bottom))] lg:px-6 lg:pb-12 [&>:not([data-wide])]:mx-auto [&>:not([data-wide])]:max-w-3xl">
          <ReaderClockProvider {...clock}>{children}</ReaderClockProvider>
        </main>
      </body>
    </html>
  );
}
