// The live browsers of this worker's computer-use runs, by run id: the page each run drives now,
// so a person taking over (lib/takeover) looks at and types into the very page the model sees.
// Worker memory only: a browser is not durable. What survives a crash is the snapshot (URL and
// storage state) the loop keeps after each confirmed turn; `restoreRunBrowser` opens a fresh
// context from it on whichever worker resumes the run.
import type { BrowserContext, Page } from "playwright-core";
import type { BrowserSession } from "@/lib/browser";

export interface RunBrowser {
  runId: string;
  session: BrowserSession;
  /** The page the run drives now: a popup the page opened replaces it. */
  page: Page;
  openedAt: Date;
}

/** What a resumed run needs to stand where the last confirmed turn left it. Storage holds cookies: keep it encrypted. */
export interface RunBrowserSnapshot {
  url: string;
  storageState: Awaited<ReturnType<BrowserContext["storageState"]>>;
}

type Listener = (runId: string, page: Page | undefined) => void;

const runs = new Map<string, RunBrowser>();
const listeners = new Set<Listener>();

function changed(runId: string, page: Page | undefined): void {
  for (const listener of listeners) listener(runId, page);
}

/** The page a computer-use run is driving now, when it runs in this worker. */
export function currentRunPage(runId: string): Page | undefined {
  const run = runs.get(runId);
  return run && !run.page.isClosed() ? run.page : undefined;
}

export function currentRunBrowser(runId: string): RunBrowser | undefined {
  return runs.get(runId);
}

/** Tells `listener` each time a run's page appears, is replaced (a popup) or goes away; returns the unsubscribe. */
export function watchRunPages(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Registers the run's session and its first page; a popup the page opens becomes the run's page. */
export function registerRunBrowser(runId: string, session: BrowserSession, page: Page): RunBrowser {
  const run: RunBrowser = { runId, session, page, openedAt: new Date() };
  runs.set(runId, run);
  session.context.on("page", (popup) => {
    if (runs.get(runId) !== run) return;
    run.page = popup;
    changed(runId, popup);
  });
  changed(runId, page);
  return run;
}

/** The URL and storage state of the run's page, to keep after a confirmed turn. */
export async function snapshotRunBrowser(run: RunBrowser): Promise<RunBrowserSnapshot> {
  return { url: run.page.url(), storageState: await run.session.context.storageState() };
}

/**
 * Puts a snapshot's cookies and local storage into the session's fresh context and opens its URL
 * (through the session's allowlist, like any navigation). Session storage is not kept: it is the
 * tab's, and a restored run has a new tab.
 */
export async function restoreRunBrowser(session: BrowserSession, snapshot: RunBrowserSnapshot): Promise<Page> {
  const { cookies, origins } = snapshot.storageState;
  if (cookies.length > 0) await session.context.addCookies(cookies);
  if (origins.length > 0) {
    await session.context.addInitScript((stored: typeof origins) => {
      const here = stored.find((entry) => entry.origin === window.location.origin);
      if (!here || sessionStorage.getItem("__baton_restored")) return;
      for (const { name, value } of here.localStorage) localStorage.setItem(name, value);
      sessionStorage.setItem("__baton_restored", "1");
    }, origins);
  }
  const page = await session.newPage();
  if (snapshot.url && snapshot.url !== "about:blank") await session.goto(page, snapshot.url);
  return page;
}

/** Forgets the run's browser (the caller closes the session). */
export function releaseRunBrowser(runId: string): void {
  if (!runs.delete(runId)) return;
  changed(runId, undefined);
}
