import { describe, expect, it } from "vitest";
import { parseReaderClock, readerClockCookie, readerClockFromRequest } from "@/lib/time/reader-clock";

describe("the reader's clock cookie", () => {
  it("round-trips a zone and a locale", () => {
    const cookie = readerClockCookie({ timeZone: "America/Los_Angeles", locale: "en-GB" });
    expect(cookie).toMatch(/^baton-clock=[^;]+; Path=\/; Max-Age=\d+; SameSite=Lax$/);
    const value = cookie.split(";")[0]!.split("=")[1];
    expect(parseReaderClock(value)).toEqual({ timeZone: "America/Los_Angeles", locale: "en-GB" });
  });

  it("refuses what is not a zone and a locale", () => {
    expect(parseReaderClock(undefined)).toBeNull();
    expect(parseReaderClock("Europe/Atlantis%20en-GB")).toBeNull();
    expect(parseReaderClock("Europe/Berlin%20not_a_locale!")).toBeNull();
    expect(parseReaderClock("Europe/Berlin")).toBeNull();
    expect(parseReaderClock("%E0%A4%A")).toBeNull();
  });

  it("prefers the cookie, else the browser's language and this machine's zone", () => {
    expect(readerClockFromRequest("Asia/Tokyo%20ja-JP", "de-DE,de;q=0.9")).toEqual({ timeZone: "Asia/Tokyo", locale: "ja-JP" });
    const guess = readerClockFromRequest(undefined, "de-DE,de;q=0.9");
    expect(guess).toEqual({ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, locale: "de-DE" });
    expect(readerClockFromRequest("garbage", null).locale).toBe(Intl.DateTimeFormat().resolvedOptions().locale);
  });
});
