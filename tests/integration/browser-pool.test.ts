// The worker's shared Chromium (lib/browser/browser-pool.ts), with the real browser: runs share one
// process, no more than the limit run at once and the rest go in order, a browser that died is
// started again, an idle one is closed, and a stopping worker takes no new run.
import type { Browser } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { createBrowserPool, launchBrowser, type BrowserPool } from "@/lib/browser";
import { waitFor } from "../support/wait-for";

let pool: BrowserPool | undefined;
afterEach(async () => pool?.close());

/** A run that holds its slot until `finish` is called, recording when it started. */
function heldRun(started: string[], name: string) {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let browser: Browser | undefined;
  const run = pool!.use(async (shared) => {
    started.push(name);
    browser = shared;
    await finished;
    return name;
  });
  return { run, finish, browser: () => browser };
}

describe("the worker's browser pool", () => {
  it("runs at most the limit at once, in one Chromium, and lets the others in in the order they came", { timeout: 30_000 }, async () => {
    let launches = 0;
    pool = createBrowserPool({ maxRuns: 2, launch: () => (launches++, launchBrowser()) });
    const started: string[] = [];
    const runs = ["a", "b", "c", "d"].map((name) => heldRun(started, name));
    await waitFor(async () => started.length === 2, { what: "two runs to start" });
    expect(started).toEqual(["a", "b"]);

    runs[1]!.finish();
    await waitFor(async () => started.length === 3, { what: "the third run to start" });
    expect(started).toEqual(["a", "b", "c"]);
    runs[0]!.finish();
    runs[2]!.finish();
    runs[3]!.finish();
    expect(await Promise.all(runs.map((entry) => entry.run))).toEqual(["a", "b", "c", "d"]);
    expect(launches).toBe(1);
    expect(new Set(runs.map((entry) => entry.browser())).size).toBe(1);
  });

  it("starts Chromium again after it died, and a run that failed frees its slot", { timeout: 30_000 }, async () => {
    let launches = 0;
    pool = createBrowserPool({ maxRuns: 2, launch: () => (launches++, launchBrowser()) });
    const first = await pool.use(async (browser) => browser);
    await first.close();
    // Two runs that find it dead at once start one new Chromium between them.
    const [a, b] = await Promise.all([pool.use(async (browser) => browser), pool.use(async (browser) => browser)]);
    expect(a).toBe(b);
    expect(launches).toBe(2);
    await expect(pool.use(async () => Promise.reject(new Error("a step failed")))).rejects.toThrow("a step failed");
    const second = await pool.use(async (browser) => browser);
    expect(second).not.toBe(first);
    expect(second.isConnected()).toBe(true);
  });

  it("closes Chromium once no run has used it for the idle time, and a stopping pool takes no new run", { timeout: 30_000 }, async () => {
    pool = createBrowserPool({ maxRuns: 2, idleMs: 200 });
    const browser = await pool.use(async (shared) => shared);
    expect(browser.isConnected()).toBe(true);
    await waitFor(async () => !browser.isConnected(), { what: "the idle browser to close" });

    await pool.close();
    await expect(pool.use(async () => "late")).rejects.toThrow(/stopping/);
  });
});
