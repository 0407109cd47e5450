// What the model sees: the viewport scaled down to fit the model's display limits, with password
// and secret fields painted over in the page before any pixel is captured. The scale is a pure
// function of the viewport, and every point the model names maps back through it exactly.
import type { Page } from "playwright-core";
import { MASK_COLOR } from "@/lib/browser";
import { decodePng } from "./png-pixels";

export interface FrameSize {
  width: number;
  height: number;
}

/** The largest frame sent to a model: XGA, what both vendors recommend for computer use. */
export const DEFAULT_MAX_FRAME: FrameSize = { width: 1024, height: 768 };

export interface FrameScale {
  viewport: FrameSize;
  frame: FrameSize;
}

/** The frame for a viewport: scaled by one factor, rounded down to whole pixels, never enlarged. */
export function frameScale(viewport: FrameSize, max: FrameSize = DEFAULT_MAX_FRAME): FrameScale {
  const factor = Math.min(1, max.width / viewport.width, max.height / viewport.height);
  return { viewport, frame: { width: Math.floor(viewport.width * factor), height: Math.floor(viewport.height * factor) } };
}

/** A frame pixel to the CSS point at its centre (each frame pixel covers viewport/frame CSS pixels). */
export function toViewport(scale: FrameScale, point: { x: number; y: number }): { x: number; y: number } {
  const clamp = (value: number, size: number) => Math.min(Math.max(value, 0), size - 1);
  const sx = scale.viewport.width / scale.frame.width;
  const sy = scale.viewport.height / scale.frame.height;
  return {
    x: (clamp(Math.floor(point.x), scale.frame.width) + 0.5) * sx,
    y: (clamp(Math.floor(point.y), scale.frame.height) + 0.5) * sy,
  };
}

/** A CSS point (or box edge) in frame pixels. */
export function toFrame(scale: FrameScale, point: { x: number; y: number }): { x: number; y: number } {
  return { x: (point.x * scale.frame.width) / scale.viewport.width, y: (point.y * scale.frame.height) / scale.viewport.height };
}

export interface Frame {
  image: Buffer;
  mimeType: "image/png";
  scale: FrameScale;
  url: string;
  takenAt: Date;
}

/** Fields whose text never appears in a frame. */
export const MASKED_FIELDS = "input[type=password], [data-baton-secret]";
const MASK_ATTRIBUTE = "data-baton-frame-mask";

async function withMasks<T>(page: Page, work: () => Promise<T>): Promise<T> {
  await page.evaluate(
    ({ selector, color, attribute }) => {
      for (const field of Array.from(document.querySelectorAll(selector))) {
        const box = field.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        const mask = document.createElement("div");
        mask.setAttribute(attribute, "");
        Object.assign(mask.style, {
          position: "fixed", left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px`,
          background: color, zIndex: "2147483647", pointerEvents: "none",
        });
        document.documentElement.appendChild(mask);
      }
    },
    { selector: MASKED_FIELDS, color: MASK_COLOR, attribute: MASK_ATTRIBUTE },
  );
  try {
    return await work();
  } finally {
    await page.evaluate((attribute) => document.querySelectorAll(`[${attribute}]`).forEach((mask) => mask.remove()), MASK_ATTRIBUTE).catch(() => undefined);
  }
}

/**
 * The viewport (or a region of it, in CSS pixels) as a PNG of `size` pixels. Chromium scales while
 * it rasterises (CDP's clip.scale), so no image library is involved and the size is exact.
 */
async function capture(page: Page, region: { x: number; y: number; width: number; height: number }, scale: number): Promise<Buffer> {
  const cdp = await page.context().newCDPSession(page);
  try {
    // The clip is in document coordinates: offset it by the scroll position to get what is on screen.
    const scroll = await page.evaluate(() => ({ x: window.scrollX, y: window.scrollY }));
    const shot = cdp.send("Page.captureScreenshot", {
      format: "png",
      clip: { x: region.x + scroll.x, y: region.y + scroll.y, width: region.width, height: region.height, scale },
    }) as Promise<{ data: string }>;
    // Chromium can hold a capture forever when a navigation commits under it; settled() looks again.
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("The screenshot stalled while the page navigated.")), CAPTURE_STALL_MS);
    });
    try {
      const { data } = await Promise.race([shot, stalled]);
      return Buffer.from(data, "base64");
    } finally {
      clearTimeout(timer);
      shot.catch(() => undefined);
    }
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** Longer than any capture of an idle page here takes (tens of ms), short enough to retry within a turn. */
const CAPTURE_STALL_MS = 5_000;

/** The page's document was replaced while we looked (a click that navigates): let it load and look again. */
async function settled<T>(page: Page, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const navigated = error instanceof Error && /Execution context was destroyed|navigat|stalled/i.test(error.message);
      if (!navigated || attempt === 5) throw error;
      await page.waitForLoadState("domcontentloaded");
    }
  }
}

export async function captureFrame(page: Page, max: FrameSize = DEFAULT_MAX_FRAME): Promise<Frame> {
  return settled(page, () => captureSettledFrame(page, max));
}

async function captureSettledFrame(page: Page, max: FrameSize): Promise<Frame> {
  const takenAt = new Date();
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const scale = frameScale(viewport, max);
  const image = await withMasks(page, () => capture(page, { x: 0, y: 0, ...viewport }, scale.frame.width / viewport.width));
  const { width, height } = decodePng(image);
  if (width !== scale.frame.width || height !== scale.frame.height) {
    throw new Error(`The frame came out ${width}x${height}, not ${scale.frame.width}x${scale.frame.height}: its coordinates would not map back.`);
  }
  return { image, mimeType: "image/png", scale, url: page.url(), takenAt };
}

/** A region of the viewport at full resolution (Anthropic's zoom), its corners in frame pixels. */
export async function captureZoom(page: Page, scale: FrameScale, from: { x: number; y: number }, to: { x: number; y: number }): Promise<Buffer> {
  const a = toViewport(scale, { x: Math.min(from.x, to.x), y: Math.min(from.y, to.y) });
  const b = toViewport(scale, { x: Math.max(from.x, to.x), y: Math.max(from.y, to.y) });
  const region = { x: Math.floor(a.x), y: Math.floor(a.y), width: Math.max(1, Math.ceil(b.x - a.x)), height: Math.max(1, Math.ceil(b.y - a.y)) };
  return settled(page, () => withMasks(page, () => capture(page, region, 1)));
}
