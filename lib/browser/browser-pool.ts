// One Chromium per worker, shared by its browser runs, each in a context of its own (no cookies,
// storage or cache in common; every context has its own egress proxy). Measured with `npm run
// bench:browser`: eight runs at once, each launching its own Chromium, took 61 s and 1.3 GB; in
// one shared Chromium 13 s and 0.7 GB. Runs beyond the limit wait for a slot, in order, rather than
// slowing every run down. The browser starts with the first run, is started again if it died, and
// is closed after a quiet minute, so an idle worker holds no Chromium.
import type { Browser } from "playwright-core";
import { launchBrowser } from "./chromium";

export interface BrowserPool {
  /** Runs `work` with the shared browser once a slot is free. */
  use<T>(work: (browser: Browser) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface BrowserPoolOptions {
  /** Browser runs at once (BATON_BROWSER_CONCURRENCY). */
  maxRuns: number;
  /** How long the browser stays up with no run. */
  idleMs?: number;
  launch?: () => Promise<Browser>;
}

export function createBrowserPool({ maxRuns, idleMs = 60_000, launch = launchBrowser }: BrowserPoolOptions): BrowserPool {
  let running = 0;
  const waiting: (() => void)[] = [];
  let browser: Promise<Browser> | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const current = async (): Promise<Browser> => {
    const seen = browser;
    const existing = seen && (await seen.catch(() => undefined));
    if (existing?.isConnected()) return existing;
    // Runs that found the same dead browser start one new one between them, not one each.
    if (browser !== seen && browser) return browser;
    browser = launch();
    // A launch that failed is not kept: the next run tries again.
    browser.catch(() => (browser = undefined));
    return browser;
  };

  const shutDownBrowser = async () => {
    const open = browser;
    browser = undefined;
    await (await open?.catch(() => undefined))?.close().catch(() => undefined);
  };

  // A finished run hands its slot straight to the next waiting one, so no newcomer can slip in between.
  const acquire = async () => {
    clearTimeout(idleTimer);
    if (running < maxRuns) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
  };

  const release = () => {
    const next = waiting.shift();
    if (next) return next();
    running--;
    if (running === 0) idleTimer = setTimeout(() => void shutDownBrowser(), idleMs).unref();
  };

  return {
    async use(work) {
      if (closed) throw new Error("The worker is stopping: no new browser runs.");
      await acquire();
      try {
        return await work(await current());
      } finally {
        release();
      }
    },
    async close() {
      closed = true;
      clearTimeout(idleTimer);
      await shutDownBrowser();
    },
  };
}
