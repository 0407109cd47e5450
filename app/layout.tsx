import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { AppFooterLinks, AppNav } from "@/components/app-nav";
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
  themeColor: "#312e81",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Times render in the reader's zone, which components/local-time.tsx records in a cookie.
  const clock = await requestClock();
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/90 backdrop-blur">
          <div className="mx-auto flex h-14 max-w-3xl items-center justify-between px-4">
            <Link href="/" className="flex items-center gap-2 text-lg font-semibold tracking-tight text-indigo-900">
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
        <main className="mx-auto max-w-3xl px-4 py-5 pb-10">
          <ReaderClockProvider {...clock}>
            {children}
          </ReaderClockProvider>
        </main>
        <footer className="mx-auto max-w-3xl px-4 pb-10 text-sm text-slate-500">
          <Suspense>
            <AppFooterLinks />
          </Suspense>
        </footer>
      </body>
    </html>
  );
}
