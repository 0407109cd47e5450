"use client";

/** A timestamp in the reader's own timezone and locale (the server does not know them). */
export function LocalTime({ iso, withDate = true }: { iso: string; withDate?: boolean }) {
  const date = new Date(iso);
  const text = date.toLocaleString(undefined, withDate ? { dateStyle: "medium", timeStyle: "short" } : { timeStyle: "medium" });
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {text}
    </time>
  );
}
