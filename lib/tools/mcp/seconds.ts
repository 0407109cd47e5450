/** A duration as people read it in a message: 30000 → "30 s", 500 → "0.5 s". */
export function seconds(ms: number): string {
  return `${Number((Math.max(0, ms) / 1000).toFixed(1))} s`;
}
