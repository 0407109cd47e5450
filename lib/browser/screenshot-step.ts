// The picture of one step for the timeline: the viewport as it is, with password fields (and any
// selectors the step names) painted over before the pixels leave the browser, and kept under a
// size cap: PNG while it fits, then JPEG at falling quality.
import type { Page } from "playwright-core";

export const MASK_COLOR = "#FF00FF";
export const MAX_SCREENSHOT_BYTES = 300 * 1024;
const JPEG_QUALITIES = [70, 50, 30];

export interface StepScreenshot {
  image: Buffer;
  mimeType: "image/png" | "image/jpeg";
  url: string;
  takenAt: Date;
  durationMs: number;
}

export interface ScreenshotStepOptions {
  maskSelectors?: readonly string[];
  maxBytes?: number;
}

export async function screenshotStep(page: Page, options: ScreenshotStepOptions = {}): Promise<StepScreenshot> {
  const started = Date.now();
  const maxBytes = options.maxBytes ?? MAX_SCREENSHOT_BYTES;
  const mask = ["input[type=password]", ...(options.maskSelectors ?? [])].map((selector) => page.locator(selector));
  const common = { mask, maskColor: MASK_COLOR, animations: "disabled" as const, caret: "hide" as const };
  const done = (image: Buffer, mimeType: StepScreenshot["mimeType"]): StepScreenshot => ({
    image,
    mimeType,
    url: page.url(),
    takenAt: new Date(started),
    durationMs: Date.now() - started,
  });

  const png = await page.screenshot({ ...common, type: "png" });
  if (png.length <= maxBytes) return done(png, "image/png");
  for (const quality of JPEG_QUALITIES) {
    const jpeg = await page.screenshot({ ...common, type: "jpeg", quality });
    if (jpeg.length <= maxBytes) return done(jpeg, "image/jpeg");
  }
  // Still too large at the lowest quality: the top of the page at half the viewport's height.
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const clip = { x: 0, y: 0, width: viewport.width, height: Math.ceil(viewport.height / 2) };
  return done(await page.screenshot({ ...common, type: "jpeg", quality: JPEG_QUALITIES.at(-1), clip }), "image/jpeg");
}
