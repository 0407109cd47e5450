// The browser runtime (lib/browser) in real Chromium against the fixture billing portal: a full
// sign-in with TOTP, a month filter and a CSV download; every way off the allowlist refused and
// recorded; the password kept out of screenshots and traces; limits that stop a run; and nothing
// carried from one run to the next.
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BrowserLimitError, BrowserRefusedError, launchBrowser, openBrowserSession, screenshotStep, type BrowserSession } from "@/lib/browser";
import { OFFSITE_URL, POPUP_URL, startPortal, toCsv, type PortalServer } from "../fixtures/portal/portal-server";
import { hotp, totp } from "../fixtures/portal/totp";
import { decodePng } from "@/lib/computer-use/png-pixels";
import { waitFor } from "../support/wait-for";
import { zipEntries } from "../support/zip-entries";

let browser: Browser;
let portal: PortalServer;
/** A server on another loopback port that nothing should reach: it counts every request it gets. */
let internal: { port: number; hits: number; close(): void };
const sessions: BrowserSession[] = [];
const workspaces: string[] = [];

beforeAll(async () => {
  const started = Date.now();
  browser = await launchBrowser();
  console.log(`chromium launch: ${Date.now() - started} ms`);
  const hits = { count: 0 };
  const server = http.createServer((_request, response) => {
    hits.count += 1;
    response.end("internal admin");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  internal = { port, get hits() { return hits.count; }, close: () => server.close() };
  portal = await startPortal({ redirectTarget: `http://127.0.0.1:${port}/admin` });
});

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});

afterAll(async () => {
  await browser?.close();
  await portal?.close();
  internal?.close();
  await Promise.all(workspaces.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function workspace(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "baton-browser-"));
  workspaces.push(dir);
  return dir;
}

/** A session allowed onto the portal only; the admin's allowlist opens the portal's loopback port. */
async function portalSession(options: Partial<Parameters<typeof openBrowserSession>[0]> = {}): Promise<BrowserSession> {
  const session = await openBrowserSession({
    allowlist: [`127.0.0.1:${portal.port}`],
    adminAllowlist: [`127.0.0.1:${portal.port}`],
    workspaceDir: await workspace(),
    browser,
    ...options,
  });
  sessions.push(session);
  return session;
}

async function signIn(session: BrowserSession, page: Page): Promise<void> {
  await session.goto(page, `${portal.url}/login`);
  await page.getByLabel("User name").fill(portal.username);
  await session.untraced(async () => {
    await page.getByLabel("Password").fill(portal.password);
    await Promise.all([page.waitForURL("**/totp"), page.click("#sign-in")]);
  });
  await page.getByLabel("Authentication code").fill(totp(portal.totpSecret));
  await Promise.all([page.waitForURL("**/invoices"), page.click("#verify")]);
}

describe("the fixture portal's TOTP", () => {
  it("matches RFC 6238's SHA-1 test vector", () => {
    // Appendix B: secret "12345678901234567890", T = 59 s gives 94287082 (8 digits).
    expect(hotp(Buffer.from("12345678901234567890"), Math.floor(59 / 30), 8)).toBe("94287082");
  });
});

describe("browser runtime", () => {
  it("signs in with TOTP, filters a month, pages, and downloads the portal's CSV into the workspace", async () => {
    const session = await portalSession();
    const page = await session.newPage();
    await signIn(session, page);
    expect(await page.textContent("h1")).toBe("Invoices");

    await page.selectOption("#month", "2026-11");
    await Promise.all([page.waitForURL("**/invoices?month=2026-11"), page.click("#apply-filter")]);
    const november = portal.invoices.filter((invoice) => invoice.month === "2026-11");
    expect(await page.textContent("#page-info")).toBe(`Page 1 of ${Math.ceil(november.length / 10)}`);
    await Promise.all([page.waitForURL("**page=2"), page.click("#next-page")]);
    expect(await page.locator("#invoices tbody tr").first().textContent()).toContain(november[10]!.id);

    const file = await session.expectDownload(page, () => page.click("#export-csv"));
    expect(file.relativePath).toBe("downloads/invoices-2026-11.csv");
    expect(await readFile(file.path, "utf8")).toBe(toCsv(november));
    expect(session.downloads).toEqual([file]);
    expect(session.refusals).toEqual([]);
    expect(portal.payments()).toEqual({});
  });

  it("refuses an off-allowlist link, a redirect to another loopback port, and a popup, and records each", async () => {
    const session = await portalSession();
    const page = await session.newPage();
    await signIn(session, page);

    await page.click("#vendor-offers");
    await waitFor(async () => session.refusals.some((refusal) => refusal.url === OFFSITE_URL), { what: "the off-allowlist link refused" });
    await session.goto(page, `${portal.url}/invoices`);

    const popup = page.waitForEvent("popup");
    await page.click("#partner-popup");
    await popup;
    await waitFor(async () => session.refusals.some((refusal) => refusal.url === POPUP_URL), { what: "the popup refused" });

    await expect(session.goto(page, `${portal.url}/support/redirect`)).rejects.toBeInstanceOf(BrowserRefusedError);
    const redirect = session.refusals.find((refusal) => refusal.url.includes(`:${internal.port}`));
    expect(redirect?.reason).toMatch(/not among this run's allowed origins/);
    expect(internal.hits).toBe(0);

    for (const refusal of session.refusals) expect(refusal.reason).not.toBe("");
  });

  it("keeps a redirect hop to loopback out even when the run allows every port there: the SSRF rules still apply", async () => {
    const session = await portalSession({ allowlist: ["127.0.0.1:*"] });
    const page = await session.newPage();
    await expect(session.goto(page, `${portal.url}/support/redirect`)).rejects.toBeInstanceOf(BrowserRefusedError);
    const redirect = session.refusals.find((refusal) => refusal.url.includes(`:${internal.port}`));
    expect(redirect?.reason).toMatch(/loopback address/);
    expect(internal.hits).toBe(0);
  });

  it("names the refused origin when a redirect hop leads to an https site off the allowlist", async () => {
    const session = await portalSession();
    const page = await session.newPage();
    const refusal = await session.goto(page, `${portal.url}/support/partner-redirect`).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BrowserRefusedError);
    expect((refusal as BrowserRefusedError).url).toBe("https://partner.example.net:443/");
    expect((refusal as BrowserRefusedError).reason).toMatch(/not among this run's allowed origins/);
  });

  it("leaves a page that sends itself to a blob: URL, and refuses WebSockets", async () => {
    const session = await portalSession();
    const page = await session.newPage();
    await session.goto(page, `${portal.url}/login`);
    await page.evaluate(() => {
      location.href = URL.createObjectURL(new Blob(["<h1>made up</h1>"], { type: "text/html" }));
    });
    await waitFor(async () => session.refusals.some((refusal) => refusal.url.startsWith("blob:")), { what: "the blob: page refused" });
    await page.waitForURL("about:blank");

    await session.goto(page, `${portal.url}/login`);
    const socketUrl = `ws://127.0.0.1:${portal.port}/live`;
    await page.evaluate((url) => void new WebSocket(url), socketUrl);
    await waitFor(async () => session.refusals.some((refusal) => refusal.url === socketUrl), { what: "the WebSocket refused" });
  });

  it("refuses data:, javascript:, file: and chrome: navigations", async () => {
    const session = await portalSession();
    const page = await session.newPage();
    const urls = ["data:text/html,<h1>hi</h1>", "javascript:alert(1)", "file:///etc/passwd", "chrome://settings"];
    for (const url of urls) await expect(session.goto(page, url)).rejects.toBeInstanceOf(BrowserRefusedError);
    expect(session.refusals.map((refusal) => refusal.url)).toEqual(urls);
    expect(page.url()).toBe("about:blank");
  });

  it("masks the password field in step screenshots and keeps the password out of the trace", async () => {
    const session = await portalSession({ trace: true });
    const page = await session.newPage();
    await session.goto(page, `${portal.url}/login`);
    await page.getByLabel("User name").fill(portal.username);
    // The fill, the step's screenshot and the submit that sends the password stay out of the trace together.
    const { shot, field } = await session.untraced(async () => {
      await page.getByLabel("Password").fill(portal.password);
      const box = await page.locator("#password").boundingBox();
      const taken = await screenshotStep(page);
      await Promise.all([page.waitForURL("**/totp"), page.click("#sign-in")]);
      return { shot: taken, field: box! };
    });
    expect(shot.mimeType).toBe("image/png");
    expect(shot.image.length).toBeLessThanOrEqual(300 * 1024);
    expect(shot.url).toBe(`${portal.url}/login`);
    const pixels = decodePng(shot.image);
    const inside: Array<[number, number, number]> = [];
    for (let y = Math.ceil(field.y) + 1; y < field.y + field.height - 1; y += 2) {
      for (let x = Math.ceil(field.x) + 1; x < field.x + field.width - 1; x += 2) inside.push(pixels.at(x, y));
    }
    expect(inside.length).toBeGreaterThan(50);
    expect(inside.every(([r, g, b]) => r === 255 && g === 0 && b === 255)).toBe(true);

    await page.getByLabel("Authentication code").fill(totp(portal.totpSecret));
    await Promise.all([page.waitForURL("**/invoices"), page.click("#verify")]);

    const parts = await session.saveTrace();
    expect(parts.length).toBe(2);
    let searched = 0;
    let sawUserName = false;
    for (const part of parts) {
      for (const [, content] of zipEntries(await readFile(part))) {
        searched += content.length;
        expect(content.includes(portal.password)).toBe(false);
        sawUserName ||= content.includes(portal.username);
      }
    }
    // The trace is real: the traced user name fill is in it, the password is not.
    expect(sawUserName).toBe(true);
    expect(searched).toBeGreaterThan(10_000);
  });

  it("stops the run with a clear error when it receives more bytes than its limit", async () => {
    const session = await portalSession({ limits: { maxBytes: 200_000 } });
    const page = await session.newPage();
    await expect(session.goto(page, `${portal.url}/large?kb=600`)).rejects.toThrow(/more than its limit of 200000 bytes/);
    expect(session.failure).toBeInstanceOf(BrowserLimitError);
    await expect(session.goto(page, `${portal.url}/login`)).rejects.toThrow(/200000 bytes/);
  });

  it("stops the run when a download is larger than its limit, and keeps no partial file", async () => {
    const session = await portalSession({ limits: { maxDownloadBytes: 100 } });
    const page = await session.newPage();
    await signIn(session, page);
    await expect(session.expectDownload(page, () => page.click("#export-csv"))).rejects.toThrow(/larger than 100 bytes/);
    expect(session.failure).toBeInstanceOf(BrowserLimitError);
    expect(await readdir(path.join(session.workspaceDir, "downloads"))).toEqual([]);
  });

  it("stops the run when it opens more pages than its limit, or runs longer than its time", async () => {
    const pages = await portalSession({ limits: { maxPages: 1 } });
    await pages.newPage();
    await expect(pages.newPage()).rejects.toThrow(/opened more than its limit of 1 pages/);

    const timed = await portalSession({ limits: { maxRunMs: 300 } });
    await expect(timed.run(() => new Promise(() => undefined))).rejects.toThrow(/longer than its limit of 300 ms/);
  });

  it("starts every run fresh: the previous run's session cookie is gone", async () => {
    const first = await portalSession();
    const page = await first.newPage();
    await signIn(first, page);
    expect((await first.context.cookies()).map((cookie) => cookie.name)).toEqual(["portal_session"]);
    await first.close();

    const second = await portalSession();
    const next = await second.newPage();
    expect(await second.context.cookies()).toEqual([]);
    await second.goto(next, `${portal.url}/invoices`);
    expect(new URL(next.url()).pathname).toBe("/login");
  });

  it("closes Chromium's whole process tree when the session launched it", async () => {
    const before = new Set(descendants(process.pid));
    const session = await openBrowserSession({ allowlist: [], adminAllowlist: [], workspaceDir: await workspace() });
    const own = descendants(process.pid).filter((pid) => !before.has(pid));
    expect(own.length).toBeGreaterThan(0);
    await session.close();
    await waitFor(async () => own.every((pid) => !alive(pid)), { what: "Chromium's processes to exit", timeoutMs: 10_000 });
  });
});

function descendants(root: number): number[] {
  const rows = execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of rows) {
      if (ppid !== parent) continue;
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).trim().startsWith("Z");
  } catch {
    return false;
  }
}
