// DBOS logs a warning on every failed queue poll, which during a database outage means dozens of
// identical lines a second. This logger prints each distinct message at most once per window and
// then says how many repeats it held back. Messages pass through the secret redactor.
import type { DLogger } from "@dbos-inc/dbos-sdk";
import { redactSecrets } from "@/lib/redact";

const WINDOW_MS = 30_000;

export function quietDbosLogger(): DLogger {
  const lastPrinted = new Map<string, { at: number; held: number }>();
  const print = (level: "warn" | "error", entry: unknown) => {
    const text = redactSecrets(entry instanceof Error ? entry.message : String(entry));
    const key = `${level}:${text.replace(/\d+/g, "#")}`;
    const now = Date.now();
    const seen = lastPrinted.get(key);
    if (seen && now - seen.at < WINDOW_MS) {
      seen.held++;
      return;
    }
    const repeats = seen?.held ? ` (repeated ${seen.held} more times)` : "";
    lastPrinted.set(key, { at: now, held: 0 });
    console[level](`[dbos] ${text}${repeats}`);
  };
  return {
    info: () => {},
    debug: () => {},
    warn: (entry) => print("warn", entry),
    error: (entry) => print("error", entry),
  };
}
