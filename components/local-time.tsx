"use client";

import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { formatExact, formatInZone, formatRelative, formatTimeOfDay } from "@/lib/time/format-time";
import { browserClock, parseReaderClock, READER_CLOCK_COOKIE, readerClockCookie, type ReaderClock } from "@/lib/time/reader-clock";

interface RenderedClock {
  /** The clock the server rendered with (the cookie's, or its best guess). */
  clock: ReaderClock;
  /** When it rendered: relative times hydrate as the server wrote them, then move on. */
  renderedAt: number;
}

const RenderedClockContext = createContext<RenderedClock>({ clock: { timeZone: "UTC", locale: "en-US" }, renderedAt: 0 });

// The browser's own clock, re-read when the page comes back (a laptop that crossed zones).
let browser: ReaderClock | undefined;
function readBrowserClock(): ReaderClock {
  const now = browserClock();
  if (!browser || browser.timeZone !== now.timeZone || browser.locale !== now.locale) browser = now;
  return browser;
}
function subscribeBrowserClock(listener: () => void): () => void {
  window.addEventListener("visibilitychange", listener);
  window.addEventListener("focus", listener);
  return () => {
    window.removeEventListener("visibilitychange", listener);
    window.removeEventListener("focus", listener);
  };
}

function recordBrowserClock(): void {
  const clock = readBrowserClock();
  const cookie = document.cookie.split("; ").find((entry) => entry.startsWith(`${READER_CLOCK_COOKIE}=`));
  const recorded = parseReaderClock(cookie?.slice(READER_CLOCK_COOKIE.length + 1));
  if (recorded?.timeZone !== clock.timeZone || recorded.locale !== clock.locale) document.cookie = readerClockCookie(clock);
}

// "Now", in 15-second steps (relative times say minutes at the finest), ticking while shown;
// rounded up, so something made a moment ago never reads as about to happen.
const TICK_MS = 15_000;
const currentTick = () => Math.ceil(Date.now() / TICK_MS) * TICK_MS;
const tickListeners = new Set<() => void>();
let ticker: ReturnType<typeof setInterval> | undefined;
const tick = () => tickListeners.forEach((listener) => listener());
// One timer for every time on the page, running while any is shown.
function subscribeTick(listener: () => void): () => void {
  tickListeners.add(listener);
  if (!ticker) {
    ticker = setInterval(tick, TICK_MS);
    document.addEventListener("visibilitychange", tick);
  }
  return () => {
    tickListeners.delete(listener);
    if (tickListeners.size > 0) return;
    clearInterval(ticker);
    ticker = undefined;
    document.removeEventListener("visibilitychange", tick);
  };
}

/**
 * Wraps the app: gives every LocalTime the clock the server rendered with, and records this
 * browser's zone and locale in a cookie (on load and when they change) for the next render.
 */
export function ReaderClockProvider({ clock, renderedAt, children }: RenderedClock & { children: ReactNode }) {
  useEffect(() => {
    recordBrowserClock();
    return subscribeBrowserClock(recordBrowserClock);
  }, []);
  return <RenderedClockContext value={{ clock, renderedAt }}>{children}</RenderedClockContext>;
}

/** The reader's clock: as rendered while hydrating, then the browser's own. */
export function useReaderClock(): ReaderClock {
  const rendered = useContext(RenderedClockContext);
  return useSyncExternalStore(subscribeBrowserClock, readBrowserClock, () => rendered.clock);
}

interface LocalTimeProps {
  iso: string;
  /** relative: "3 minutes ago", "yesterday at 17:05", else the date; time: the time of day (a timeline's). */
  format?: "relative" | "time";
  /** A time that belongs to this zone (a schedule's): shown there, with the zone named. */
  timeZone?: string;
}

/**
 * Every time Baton shows: on the reader's clock from the first paint (the server renders in the
 * zone the cookie names), relative ones ticking, and the exact time on hover (title), for screen
 * readers (label) and on a long press (touch has no hover).
 */
export function LocalTime({ iso, format = "relative", timeZone }: LocalTimeProps) {
  const rendered = useContext(RenderedClockContext);
  const clock = useReaderClock();
  const ticking = format === "relative" || timeZone !== undefined;
  const now = useSyncExternalStore(ticking ? subscribeTick : subscribeToNothing, ticking ? currentTick : zero, ticking ? () => rendered.renderedAt : zero);
  const [pressed, setPressed] = useState(false);
  const press = useRef<ReturnType<typeof setTimeout>>(undefined);

  const date = new Date(iso);
  const exact = formatExact(date, clock);
  const text = timeZone
    ? formatInZone(date, new Date(now), clock, timeZone)
    : format === "time"
      ? formatTimeOfDay(date, clock, { seconds: true })
      : formatRelative(date, new Date(now), clock);
  const title = timeZone && timeZone !== clock.timeZone ? `${exact} your time` : exact;
  const endPress = () => clearTimeout(press.current);

  return (
    <time
      dateTime={iso}
      title={title}
      aria-label={text === title ? undefined : `${text} (${title})`}
      onPointerDown={(event) => {
        if (event.pointerType !== "touch") return;
        press.current = setTimeout(() => setPressed((shown) => !shown), 500);
      }}
      onPointerUp={endPress}
      onPointerCancel={endPress}
      onPointerLeave={endPress}
    >
      {pressed ? title : text}
    </time>
  );
}

const subscribeToNothing = () => () => {};
const zero = () => 0;
