// A whole page as one picture. The window is made as tall as the page first: a full-page capture
// of a short window draws fixed parts (the phone's tab bar) where the window's bottom was.
import type { Page } from "@playwright/test";

export async function fullPageShot(page: Page, file: string): Promise<void> {
  const viewport = page.viewportSize()!;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height) });
  await page.screenshot({ path: file });
  await page.setViewportSize(viewport);
}
