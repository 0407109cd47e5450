// The stale-click guard: a model clicks where a control was in the frame it saw, and a page can
// move things in between (a late banner, a reflow, a hostile page). Before a risky click the region
// around the target is compared between that frame and a fresh one; any visible change means the
// click is not made and the model is told.
import { decodePng } from "./png-pixels";

/** Half the side of the square compared around the target, in frame pixels. */
export const GUARD_RADIUS = 12;
/** A pixel differs when a channel moved more than this (screenshots of an unchanged page are identical; this absorbs a caret). */
const CHANNEL_TOLERANCE = 24;
/** The share of differing pixels that counts as a changed region. */
const CHANGED_SHARE = 0.02;

export interface RegionComparison {
  changed: boolean;
  differingShare: number;
}

export function compareRegion(before: Buffer, after: Buffer, center: { x: number; y: number }, radius = GUARD_RADIUS): RegionComparison {
  const a = decodePng(before);
  const b = decodePng(after);
  if (a.width !== b.width || a.height !== b.height) return { changed: true, differingShare: 1 };
  const x0 = Math.max(0, Math.floor(center.x) - radius);
  const y0 = Math.max(0, Math.floor(center.y) - radius);
  const x1 = Math.min(a.width - 1, Math.floor(center.x) + radius);
  const y1 = Math.min(a.height - 1, Math.floor(center.y) + radius);
  let differing = 0;
  let total = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const p = a.at(x, y);
      const q = b.at(x, y);
      total++;
      if (p.some((value, channel) => Math.abs(value - q[channel]!) > CHANNEL_TOLERANCE)) differing++;
    }
  }
  const differingShare = total === 0 ? 0 : differing / total;
  return { changed: differingShare > CHANGED_SHARE, differingShare };
}
