// A frame for people, not for the model: the page as it is just before an action, with the action
// drawn on it (the click point, the drag's path, the scroll, the text typed with secrets shown as
// a reference) or, for an approval, the target's box. Drawn by the page itself (an SVG layer over
// the viewport, removed right after), so no image library is needed and the masks still apply.
import type { Page } from "playwright-core";
import type { ComputerAction } from "./action";
import { captureFrame, DEFAULT_MAX_FRAME, frameScale, toFrame, type Frame, type FrameScale, type FrameSize } from "./frame";

const LAYER_ATTRIBUTE = "data-baton-action-mark";
const INK = "#e11d48";

export interface FrameMark {
  kind: "click" | "drag" | "scroll" | "type" | "keys" | "box";
  /** Frame pixels (the picture's own), for the timeline's legend. */
  points: { x: number; y: number }[];
  label: string;
}

/** What an action looks like drawn on the frame it was aimed at; `at` in CSS pixels when it has a point. */
export function markOf(action: ComputerAction, scale: FrameScale, at?: { x: number; y: number }): FrameMark | null {
  const framePoint = at ? toFrame(scale, at) : undefined;
  switch (action.kind) {
    case "click":
      return { kind: "click", points: framePoint ? [framePoint] : [], label: action.clicks === 2 ? "double-click" : "click" };
    case "drag":
      return { kind: "drag", points: action.path, label: "drag" };
    case "scroll":
      return { kind: "scroll", points: framePoint ? [framePoint] : [], label: `scroll ${action.dy > 0 ? "down" : action.dy < 0 ? "up" : "sideways"}` };
    case "type":
      return { kind: "type", points: [], label: `type ${JSON.stringify(action.text.slice(0, 60))}` };
    case "type_secret":
      // The reference, never the text: the runtime types it and no picture or event holds it.
      return { kind: "type", points: [], label: `type secret ${action.reference} (••••)` };
    case "keys":
      return { kind: "keys", points: [], label: `press ${action.keys.join("+")}` };
    default:
      return null;
  }
}

function svgOf(mark: FrameMark, scale: FrameScale): string {
  // The layer spans the viewport in CSS pixels; marks are kept in frame pixels, so scale them back.
  const sx = scale.viewport.width / scale.frame.width;
  const sy = scale.viewport.height / scale.frame.height;
  const css = mark.points.map((point) => ({ x: point.x * sx, y: point.y * sy }));
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const label = (x: number, y: number) =>
    `<rect x="${x}" y="${y - 22}" width="${mark.label.length * 9 + 16}" height="26" rx="4" fill="${INK}"/><text x="${x + 8}" y="${y - 4}" font-family="sans-serif" font-size="15" fill="white">${escape(mark.label)}</text>`;
  const first = css[0];
  if (mark.kind === "box" && css.length === 2) {
    const [a, b] = css as [{ x: number; y: number }, { x: number; y: number }];
    return `<rect x="${a.x - 3}" y="${a.y - 3}" width="${b.x - a.x + 6}" height="${b.y - a.y + 6}" fill="none" stroke="${INK}" stroke-width="4" rx="4"/>${label(a.x - 3, a.y - 8)}`;
  }
  if (mark.kind === "drag" && css.length >= 2) {
    return `<polyline points="${css.map((p) => `${p.x},${p.y}`).join(" ")}" fill="none" stroke="${INK}" stroke-width="4"/><circle cx="${first!.x}" cy="${first!.y}" r="8" fill="${INK}"/>${label(first!.x + 12, first!.y)}`;
  }
  if (first) {
    return `<circle cx="${first.x}" cy="${first.y}" r="16" fill="none" stroke="${INK}" stroke-width="4"/><circle cx="${first.x}" cy="${first.y}" r="4" fill="${INK}"/>${label(first.x + 20, first.y)}`;
  }
  return label(12, scale.viewport.height - 12);
}

/** The viewport with `mark` drawn over it, as a frame (masked like every frame). */
export async function captureMarkedFrame(page: Page, mark: FrameMark, max: FrameSize = DEFAULT_MAX_FRAME): Promise<Frame> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${viewport.width}" height="${viewport.height}">${svgOf(mark, frameScale(viewport, max))}</svg>`;
  await page.evaluate(
    ({ markup, attribute }) => {
      const layer = document.createElement("div");
      layer.setAttribute(attribute, "");
      Object.assign(layer.style, { position: "fixed", inset: "0", zIndex: "2147483647", pointerEvents: "none" });
      layer.innerHTML = markup;
      document.documentElement.appendChild(layer);
    },
    { markup: svg, attribute: LAYER_ATTRIBUTE },
  );
  try {
    return await captureFrame(page, max);
  } finally {
    await page.evaluate((attribute) => document.querySelectorAll(`[${attribute}]`).forEach((layer) => layer.remove()), LAYER_ATTRIBUTE).catch(() => undefined);
  }
}
