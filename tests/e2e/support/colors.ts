// Colours as the screen shows them: any CSS colour (oklch, color-mix, rgb) painted on a canvas and
// read back as sRGB, then WCAG's relative luminance and contrast ratio, measured in the page.
import type { Page } from "@playwright/test";

type Luminance = (color: string) => number | null;

/** Defines the page's __luminance(color): null for a colour mostly transparent. */
function installLuminance() {
  const context = document.createElement("canvas").getContext("2d", { willReadFrequently: true })!;
  const channel = (value: number) => ((value /= 255) <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4);
  (globalThis as unknown as { __luminance: Luminance }).__luminance = (color) => {
    context.clearRect(0, 0, 1, 1);
    context.fillStyle = color;
    context.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
    return a! < 128 ? null : 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
  };
}

/** Luminance of the body's background and of its text. */
export async function bodyLuminance(page: Page): Promise<{ background: number | null; text: number | null }> {
  await page.evaluate(installLuminance);
  return page.evaluate(() => {
    const luminance = (globalThis as unknown as { __luminance: Luminance }).__luminance;
    const style = getComputedStyle(document.body);
    return { background: luminance(style.backgroundColor), text: luminance(style.color) };
  });
}

/**
 * Visible boxes larger than a badge painted in a light colour (luminance over `above`): in dark
 * mode, a white card or panel left over. `except` selects boxes meant to stay light.
 */
export async function lightBoxes(page: Page, above: number, except: string): Promise<string[]> {
  await page.evaluate(installLuminance);
  return page.evaluate(
    ({ above, except }) => {
      const luminance = (globalThis as unknown as { __luminance: Luminance }).__luminance;
      const found: string[] = [];
      for (const element of document.body.querySelectorAll<HTMLElement>("*")) {
        const box = element.getBoundingClientRect();
        if (box.width * box.height < 48 * 48 || element.closest(except)) continue;
        const value = luminance(getComputedStyle(element).backgroundColor);
        if (value !== null && value > above) {
          found.push(`${element.tagName.toLowerCase()}.${[...element.classList].slice(0, 4).join(".")} "${(element.textContent ?? "").trim().slice(0, 30)}" (luminance ${value.toFixed(2)})`);
        }
      }
      return found;
    },
    { above, except },
  );
}

/**
 * Text under WCAG AA contrast (4.5:1, or 3:1 for large text): each element with text of its own,
 * against the nearest painted background behind it.
 */
export async function lowContrastText(page: Page): Promise<string[]> {
  await page.evaluate(installLuminance);
  return page.evaluate(() => {
    const luminance = (globalThis as unknown as { __luminance: Luminance }).__luminance;
    const found: string[] = [];
    for (const element of document.body.querySelectorAll<HTMLElement>("*")) {
      const ownText = [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent!.trim());
      if (!ownText || element.closest("[aria-hidden=true], svg")) continue;
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      if (box.width === 0 || style.visibility === "hidden" || (element as HTMLButtonElement).disabled) continue;
      const text = luminance(style.color);
      let background: number | null = null;
      for (let node: HTMLElement | null = element; node && background === null; node = node.parentElement) background = luminance(getComputedStyle(node).backgroundColor);
      if (text === null || background === null) continue;
      const ratio = (Math.max(text, background) + 0.05) / (Math.min(text, background) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.6 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) found.push(`${element.tagName.toLowerCase()} "${element.textContent!.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
    }
    return found;
  });
}
