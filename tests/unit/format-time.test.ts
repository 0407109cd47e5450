import { describe, expect, it } from "vitest";
import { formatExact, formatInZone, formatRelative, formatTimeOfDay, zoneLabel } from "@/lib/time/format-time";

const berlin = { timeZone: "Europe/Berlin", locale: "en-GB" };
const losAngeles = { timeZone: "America/Los_Angeles", locale: "en-GB" };
// Wednesday 2 December 2026, 12:00 in Berlin (11:00 UTC).
const now = new Date("2026-12-02T11:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const MINUTE = 60_000;

describe("formatRelative", () => {
  it("says minutes while it is under an hour, either way", () => {
    expect(formatRelative(ago(10_000), now, berlin)).toBe("just now");
    expect(formatRelative(ago(-10_000), now, berlin)).toBe("in a moment");
    expect(formatRelative(ago(MINUTE), now, berlin)).toBe("1 minute ago");
    expect(formatRelative(ago(3 * MINUTE + 20_000), now, berlin)).toBe("3 minutes ago");
    expect(formatRelative(ago(-5 * MINUTE), now, berlin)).toBe("in 5 minutes");
    expect(formatRelative(ago(59 * MINUTE), now, berlin)).toBe("59 minutes ago");
  });

  it("names the day, on the reader's calendar, with the time", () => {
    expect(formatRelative(new Date("2026-12-02T07:05:00Z"), now, berlin)).toBe("today at 08:05");
    expect(formatRelative(new Date("2026-12-01T16:05:00Z"), now, berlin)).toBe("yesterday at 17:05");
    expect(formatRelative(new Date("2026-12-03T06:00:00Z"), now, berlin)).toBe("tomorrow at 07:00");
    expect(formatRelative(new Date("2026-11-29T16:05:00Z"), now, berlin)).toBe("Sunday at 17:05");
  });

  it("reads the same moment on another zone's calendar", () => {
    // 23:30 UTC on 1 December is 00:30 on the 2nd in Berlin, still 15:30 on the 1st in Los Angeles
    // (where "now" is 03:00 on the 2nd).
    const lateNight = new Date("2026-12-01T23:30:00Z");
    expect(formatRelative(lateNight, now, berlin)).toBe("today at 00:30");
    expect(formatRelative(lateNight, now, losAngeles)).toBe("yesterday at 15:30");
  });

  it("falls back to the date past a week, with the year only when it is another", () => {
    expect(formatRelative(new Date("2026-11-20T16:05:00Z"), now, berlin)).toBe("Fri 20 Nov, 17:05");
    expect(formatRelative(new Date("2025-11-20T16:05:00Z"), now, berlin)).toBe("Thu, 20 Nov 2025, 17:05");
  });

  it("follows the reader's locale for the numbers", () => {
    expect(formatRelative(new Date("2026-12-01T16:05:00Z"), now, { ...berlin, locale: "en-US" })).toBe("yesterday at 05:05 PM");
  });
});

describe("exact times", () => {
  it("gives weekday, date and time in the reader's zone", () => {
    expect(formatExact(new Date("2026-12-02T06:00:00Z"), berlin)).toBe("Wed, 2 Dec 2026, 07:00");
    expect(formatExact(new Date("2026-12-02T06:00:00Z"), losAngeles)).toBe("Tue, 1 Dec 2026, 22:00");
    expect(formatTimeOfDay(new Date("2026-12-02T06:00:09Z"), berlin, { seconds: true })).toBe("07:00:09");
  });
});

describe("times of a zone", () => {
  it("names the zone by its city, or its short name", () => {
    expect(zoneLabel("Europe/Berlin", now)).toBe("Berlin time");
    expect(zoneLabel("America/Los_Angeles", now)).toBe("Los Angeles time");
    expect(zoneLabel("America/Argentina/Buenos_Aires", now)).toBe("Buenos Aires time");
    expect(zoneLabel("UTC", now)).toBe("UTC");
    expect(zoneLabel("Etc/GMT+5", now)).toBe("GMT-5");
  });

  it("shows a schedule's 07:00 Berlin as 07:00 Berlin time whatever the reader's zone", () => {
    const sevenInBerlin = new Date("2026-12-07T06:00:00Z");
    expect(formatInZone(sevenInBerlin, now, losAngeles, "Europe/Berlin")).toBe("Mon 7 Dec, 07:00 Berlin time");
    expect(formatInZone(sevenInBerlin, now, berlin, "Europe/Berlin")).toBe("Mon 7 Dec, 07:00 Berlin time");
    // Across daylight saving: 07:00 in July is 05:00 UTC.
    expect(formatInZone(new Date("2027-07-05T05:00:00Z"), now, losAngeles, "Europe/Berlin")).toBe("Mon, 5 Jul 2027, 07:00 Berlin time");
  });
});
