// Pages served by the service worker (public/sw.js), for tests of offline reading.
import { expect, type Browser, type BrowserContextOptions, type Page } from "@playwright/test";

/** Opens a page in a fresh context and waits until the service worker controls it. */
export async function openControlledPage(browser: Browser, baseURL: string | undefined, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ ...options, baseURL });
  const page = await context.newPage();
  await page.goto("/");
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null)).toMatch(/\/sw\.js$/);
  return page;
}
