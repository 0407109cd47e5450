// Whose clock a time is shown on: the reader's IANA time zone and locale. The browser records
// them in a cookie (components/local-time.tsx), so the server renders times the way the reader's
// browser would: right on first paint, on reload, and in pages saved for offline reading.
import { isTimeZone } from "@/lib/schedules/schedule-time";

export const READER_CLOCK_COOKIE = "baton-clock";
const YEAR_SECONDS = 365 * 24 * 60 * 60;

export interface ReaderClock {
  timeZone: string;
  locale: string;
}

function isLocale(tag: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0;
  } catch {
    return false;
  }
}

/** The cookie's value ("Europe/Berlin en-GB"); null when missing or not a zone and locale. */
export function parseReaderClock(value: string | undefined): ReaderClock | null {
  let text: string;
  try {
    text = decodeURIComponent(value ?? "");
  } catch {
    return null; // not percent-encoded as readerClockCookie writes it
  }
  const [timeZone, locale, ...rest] = text.split(" ");
  if (!timeZone || !locale || rest.length > 0 || !isTimeZone(timeZone) || !isLocale(locale)) return null;
  return { timeZone, locale };
}

export function readerClockCookie(clock: ReaderClock): string {
  return `${READER_CLOCK_COOKIE}=${encodeURIComponent(`${clock.timeZone} ${clock.locale}`)}; Path=/; Max-Age=${YEAR_SECONDS}; SameSite=Lax`;
}

/**
 * The reader's clock as the server can best tell: the cookie, else (a first visit) the browser's
 * preferred language and this machine's zone; the browser corrects it right after loading.
 */
export function readerClockFromRequest(cookie: string | undefined, acceptLanguage: string | null): ReaderClock {
  const recorded = parseReaderClock(cookie);
  if (recorded) return recorded;
  const preferred = acceptLanguage?.split(",")[0]?.split(";")[0]?.trim();
  const server = Intl.DateTimeFormat().resolvedOptions();
  return { timeZone: server.timeZone, locale: preferred && isLocale(preferred) ? preferred : server.locale };
}

/** What this browser's own clock is (call in the browser). */
export function browserClock(): ReaderClock {
  const { timeZone, locale } = Intl.DateTimeFormat().resolvedOptions();
  return { timeZone, locale };
}
