// One isolated browser run: a fresh context (no profile, no storage from earlier runs, service
// workers blocked) whose every request is checked twice, by Playwright's routing (full URL, before
// Chromium sends anything) and by the run's own egress proxy (each connection, redirect hops
// included), with limits on time, tabs, bytes and download size. Whatever it refuses is recorded.
// Closing it closes the context, the proxy and, when the session launched it, Chromium itself.
import path from "node:path";
import type { Browser, BrowserContext, Download, Page, Response } from "playwright-core";
import { launchBrowser } from "./chromium";
import { checkDestination, navigationRefusal, type DestinationRules } from "./destination-check";
import { DownloadTooLargeError, saveDownload, type DownloadedFile } from "./downloads";
import { startEgressProxy, type EgressProxy } from "./egress-proxy";
import { BrowserLimitError, DEFAULT_BROWSER_LIMITS, type BrowserLimits } from "./limits";
import { BrowserRefusedError, type BrowserRefusal } from "./refusals";

export interface BrowserSessionOptions extends DestinationRules {
  /** The task's workspace: downloads and the trace go there. */
  workspaceDir: string;
  limits?: Partial<BrowserLimits>;
  /** Record a Playwright trace (see untraced() for what must stay out of it). */
  trace?: boolean;
  /** A browser to open the context in (tests, a worker holding several runs); otherwise the session launches its own. */
  browser?: Browser;
}

// Chromium's own services, which it calls without any page asking (autofill looks up each form it
// sees); its flags cannot switch all of them off without dropping Playwright's own. The proxy
// refuses them like anything else; they are kept apart so a run's timeline shows what pages did.
const BROWSER_SERVICE_HOST = /(^|\.)(googleapis\.com|google\.com|gstatic\.com|gvt1\.com|googleusercontent\.com)$/;

function isBrowserService(url: string): boolean {
  return URL.canParse(url) && BROWSER_SERVICE_HOST.test(new URL(url).hostname);
}

/** Chromium's own error page, shown after a request the runtime aborted (and already recorded). */
const ERROR_PAGE_PREFIX = "chrome-error:";

export class BrowserSession {
  readonly limits: BrowserLimits;
  readonly refusals: BrowserRefusal[] = [];
  /** Connections Chromium tried on its own behalf (autofill and other Google services), refused like any other. */
  readonly backgroundRefusals: BrowserRefusal[] = [];
  readonly downloads: DownloadedFile[] = [];
  bytesReceived = 0;
  pagesOpened = 0;
  /** Why the session stopped early; every later call fails with it. */
  failure: Error | null = null;

  private readonly saving = new Map<Download, Promise<DownloadedFile>>();
  private readonly tracePaths: string[] = [];
  private readonly stopped: Promise<never>;
  private rejectStopped!: (error: Error) => void;
  private timer?: NodeJS.Timeout;
  private closing?: Promise<void>;

  private constructor(
    readonly context: BrowserContext,
    private readonly browser: Browser,
    private readonly ownsBrowser: boolean,
    private readonly proxy: EgressProxy,
    private readonly options: BrowserSessionOptions,
  ) {
    this.limits = { ...DEFAULT_BROWSER_LIMITS, ...options.limits };
    this.stopped = new Promise<never>((_, reject) => (this.rejectStopped = reject));
    this.stopped.catch(() => undefined);
  }

  static async open(options: BrowserSessionOptions): Promise<BrowserSession> {
    const browser = options.browser ?? (await launchBrowser());
    let session: BrowserSession | undefined;
    let proxy: EgressProxy | undefined;
    try {
      proxy = await startEgressProxy(options, {
        refused: (url, reason) => {
          const refusal = { url, reason, at: new Date() };
          (isBrowserService(url) ? session?.backgroundRefusals : session?.refusals)?.push(refusal);
        },
        received: (bytes) => session?.count(bytes),
      });
      const context = await browser.newContext({
        proxy: { server: proxy.server },
        acceptDownloads: true,
        serviceWorkers: "block",
        viewport: { width: 1280, height: 800 },
        locale: "en-US",
      });
      session = new BrowserSession(context, browser, !options.browser, proxy, options);
      await session.start();
      return session;
    } catch (error) {
      await session?.context.close().catch(() => undefined);
      await proxy?.close();
      if (!options.browser) await browser.close();
      throw error;
    }
  }

  private async start(): Promise<void> {
    this.timer = setTimeout(
      () => this.stop(new BrowserLimitError("run time", `The browser run took longer than its limit of ${this.limits.maxRunMs} ms.`)),
      this.limits.maxRunMs,
    );
    this.timer.unref();
    await this.context.route("**/*", async (route) => {
      const url = route.request().url();
      const verdict = this.failure ? { allowed: false as const, reason: "the session has stopped" } : await checkDestination(url, this.options);
      if (verdict.allowed) return route.continue();
      if (!this.failure) this.refuse(url, verdict.reason);
      return route.abort("blockedbyclient");
    });
    // WebSockets bypass routing; nothing the runtime drives needs one.
    await this.context.routeWebSocket(/.*/, (socket) => {
      this.refuse(socket.url(), "WebSocket connections are not supported by the browser runtime");
      void socket.close({ code: 1008, reason: "Refused by Baton" });
    });
    this.context.on("page", (page) => this.watch(page));
    if (this.options.trace) await this.startTracing();
  }

  private watch(page: Page): void {
    this.pagesOpened += 1;
    if (this.pagesOpened > this.limits.maxPages) {
      this.stop(new BrowserLimitError("pages", `The browser run opened more than its limit of ${this.limits.maxPages} pages.`));
      return;
    }
    page.on("framenavigated", (frame) => {
      if (frame !== page.mainFrame()) return;
      const url = frame.url();
      const reason = navigationRefusal(url);
      if (!reason || url.startsWith(ERROR_PAGE_PREFIX)) return;
      // A page sent itself to a blob: or similar URL; the runtime does not stay there.
      this.refuse(url, reason);
      void page.goto("about:blank").catch(() => undefined);
    });
    page.on("download", (download) => {
      const saved = saveDownload(download, this.options.workspaceDir, this.limits.maxDownloadBytes).then(
        (file) => {
          this.downloads.push(file);
          return file;
        },
        (error: unknown) => {
          if (error instanceof DownloadTooLargeError) {
            const limitError = new BrowserLimitError("download size", error.message);
            this.stop(limitError);
            throw limitError;
          }
          throw error;
        },
      );
      saved.catch(() => undefined);
      this.saving.set(download, saved);
    });
  }

  private refuse(url: string, reason: string): void {
    this.refusals.push({ url, reason, at: new Date() });
  }

  private count(bytes: number): void {
    this.bytesReceived += bytes;
    if (this.bytesReceived > this.limits.maxBytes) {
      this.stop(new BrowserLimitError("bytes", `The browser run received more than its limit of ${this.limits.maxBytes} bytes.`));
    }
  }

  private stop(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.rejectStopped(error);
    void this.context.close().catch(() => undefined);
  }

  get workspaceDir(): string {
    return this.options.workspaceDir;
  }

  /** A new tab (counted against maxPages). */
  async newPage(): Promise<Page> {
    return this.run(() => this.context.newPage());
  }

  /** Runs browser work, failing with the session's own error (a limit, say) rather than "target closed" when it stops. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.failure) throw this.failure;
    try {
      return await Promise.race([work(), this.stopped]);
    } catch (error) {
      throw this.failure ?? error;
    }
  }

  /** Navigates a page, refusing (and recording) any URL the run may not open, data:/javascript:/file:/chrome: included. */
  async goto(page: Page, url: string, options?: Parameters<Page["goto"]>[1]): Promise<Response | null> {
    const early = navigationRefusal(url);
    const verdict = early ? { allowed: false as const, reason: early } : url === "about:blank" ? null : await checkDestination(url, this.options);
    if (verdict && !verdict.allowed) {
      this.refuse(url, verdict.reason);
      throw new BrowserRefusedError(url, verdict.reason);
    }
    const before = this.refusals.length;
    let response: Response | null;
    try {
      response = await this.run(() => page.goto(url, options));
    } catch (error) {
      // An https hop refused at CONNECT fails the navigation with a tunnel error; say why instead.
      const refused = this.failure ? undefined : this.refusals.slice(before).at(-1);
      if (refused) throw new BrowserRefusedError(refused.url, refused.reason);
      throw error;
    }
    // A plain-http hop the proxy refused ends on its "Refused by Baton" page: the navigation failed.
    const refused = response && this.refusals.slice(before).find((refusal) => refusal.url === response.url());
    if (refused) throw new BrowserRefusedError(refused.url, refused.reason);
    return response;
  }

  /** Runs an action that should start a download (a click on "Export CSV") and returns the saved file. */
  async expectDownload(page: Page, action: () => Promise<unknown>): Promise<DownloadedFile> {
    return this.run(async () => {
      const [download] = await Promise.all([page.waitForEvent("download"), action()]);
      const saved = this.saving.get(download);
      if (!saved) throw new Error("The download was not captured by the session.");
      return saved;
    });
  }

  /** Every download started so far, once saved (or failed): what a click that downloads has produced. */
  async settledDownloads(): Promise<DownloadedFile[]> {
    await Promise.allSettled(this.saving.values());
    return [...this.downloads];
  }

  /**
   * Runs work with tracing paused. A trace records every action's arguments (the text a fill
   * typed), DOM snapshots with input values and request bodies, so a secret fill and the submit
   * that sends it happen in here: the trace is saved in parts around it.
   */
  async untraced<T>(work: () => Promise<T>): Promise<T> {
    if (!this.options.trace) return this.run(work);
    // A full stop, not a paused chunk: a chunk started afterwards still receives the network
    // entries of requests that began before it, the form post carrying the password among them.
    await this.context.tracing.stop({ path: this.nextTracePart() });
    try {
      return await this.run(work);
    } finally {
      if (!this.failure) await this.startTracing();
    }
  }

  private async startTracing(): Promise<void> {
    await this.context.tracing.start({ screenshots: true, snapshots: true });
  }

  /** Writes the trace so far (as parts, one per stretch between untraced() calls) and stops tracing; returns the zip paths. */
  async saveTrace(): Promise<string[]> {
    if (!this.options.trace) throw new Error("This session was opened without trace: true.");
    await this.context.tracing.stop({ path: this.nextTracePart() });
    return [...this.tracePaths];
  }

  private nextTracePart(): string {
    const part = path.join(this.options.workspaceDir, "browser-trace", `part-${this.tracePaths.length + 1}.zip`);
    this.tracePaths.push(part);
    return part;
  }

  /** Closes the context and the proxy, and Chromium when this session launched it. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.timer);
      await this.context.close().catch(() => undefined);
      await this.proxy.close();
      if (this.ownsBrowser) await this.browser.close();
    })();
    return this.closing;
  }
}

export function openBrowserSession(options: BrowserSessionOptions): Promise<BrowserSession> {
  return BrowserSession.open(options);
}
