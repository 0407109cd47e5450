// read_calendar on the shapes real .ics exports take: one fixture per case
// (tests/fixtures/calendar/), each with the occurrences a calendar app shows for it.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createReadCalendarTool } from "@/lib/tools/calendar/read-calendar";
import type { FetchText } from "@/lib/tools/feeds/fetch-text";
import { testToolContext } from "../support/tool-context";

interface Output {
  events: { summary: string; start: string; end: string; allDay: boolean }[];
  unreadableEvents?: number;
  problems?: { event: string | null; line: number | null; problem: string }[];
  notes?: string[];
}

async function read(fixture: string, window: { from: string; to: string; timezone?: string }) {
  const text = await readFile(path.resolve(import.meta.dirname, "../fixtures/calendar", fixture), "utf8");
  const fetchText: FetchText = async () => ({ text, contentType: "text/calendar" });
  const tool = createReadCalendarTool({ fetchText });
  const { output, summary } = await tool.run(
    tool.input.parse({ url: `https://calendar.example.com/${fixture}`, ...window }),
    testToolContext({ workspaceDir: "/nonexistent" }),
  );
  const result = output as Output;
  return { ...result, summary, brief: result.events.map((event) => `${event.start} ${event.end} ${event.summary}`) };
}

describe("read_calendar on real-world calendars", () => {
  it("reads TZIDs with a leading slash, also three-part zones, in their zone (not as UTC)", async () => {
    const result = await read("tzid-leading-slash.ics", { from: "2026-01-01", to: "2026-02-01" });
    expect(result.brief).toEqual([
      "2026-01-15T14:00:00+00:00 2026-01-15T14:30:00+00:00 Fika", // 15:00 CET
      "2026-01-16T23:00:00+00:00 2026-01-17T02:00:00+00:00 Asado", // 20:00 in Buenos Aires (UTC-3)
    ]);
  });

  it("adds RDATE;VALUE=PERIOD occurrences with their own length and keeps the rest of the series", async () => {
    const result = await read("rdate-period.ics", { from: "2026-03-01", to: "2026-04-01" });
    expect(result.brief).toEqual([
      "2026-03-02T10:00:00+00:00 2026-03-02T11:00:00+00:00 Workshop",
      "2026-03-05T13:00:00+00:00 2026-03-05T17:00:00+00:00 Workshop", // start/end period
      "2026-03-09T10:00:00+00:00 2026-03-09T11:00:00+00:00 Workshop",
      "2026-03-12T09:00:00+00:00 2026-03-12T09:30:00+00:00 Workshop", // start/duration period
      "2026-03-16T10:00:00+00:00 2026-03-16T11:00:00+00:00 Workshop",
    ]);
  });

  it("lists an RDATE that repeats an RRULE instance once, however its time is written", async () => {
    const result = await read("rdate-duplicate.ics", { from: "2026-03-01", to: "2026-04-01" });
    expect(result.brief).toEqual([
      "2026-03-02T09:00:00+00:00 2026-03-02T10:00:00+00:00 Review",
      "2026-03-09T09:00:00+00:00 2026-03-09T10:00:00+00:00 Review",
      "2026-03-16T09:00:00+00:00 2026-03-16T10:00:00+00:00 Review",
    ]);
  });

  it("lets an EXDATE win over an RDATE (and RRULE instance) of the same instant", async () => {
    const result = await read("exdate-over-rdate.ics", { from: "2026-03-01", to: "2026-04-01" });
    expect(result.brief).toEqual([
      "2026-03-02T14:00:00+00:00 2026-03-02T15:00:00+00:00 Office hours",
      "2026-03-11T14:00:00+00:00 2026-03-11T15:00:00+00:00 Office hours",
      "2026-03-16T14:00:00+00:00 2026-03-16T15:00:00+00:00 Office hours",
    ]);
  });

  it("keeps an event whose RDATE is empty", async () => {
    const result = await read("rdate-empty.ics", { from: "2026-03-01", to: "2026-04-01" });
    expect(result.brief).toEqual([
      "2026-03-02T16:00:00+00:00 2026-03-02T16:45:00+00:00 Retro",
      "2026-03-09T16:00:00+00:00 2026-03-09T16:45:00+00:00 Retro",
    ]);
    expect(result.problems).toBeUndefined();
  });

  it("applies RECURRENCE-ID:20200914 (a date without VALUE=DATE) to an all-day series", async () => {
    const result = await read("recurrence-id-date.ics", { from: "2020-09-01", to: "2020-10-01" });
    expect(result.brief).toEqual([
      "2020-09-07T00:00:00+00:00 2020-09-08T00:00:00+00:00 Bins out",
      "2020-09-15T00:00:00+00:00 2020-09-16T00:00:00+00:00 Bins out (holiday, a day late)",
      "2020-09-21T00:00:00+00:00 2020-09-22T00:00:00+00:00 Bins out",
    ]);
  });

  it("moves an Exchange all-day occurrence (RECURRENCE-ID as local midnight) instead of showing both days", async () => {
    const result = await read("exchange-all-day-override.ics", { from: "2020-09-01", to: "2020-10-01", timezone: "Europe/Berlin" });
    expect(result.brief).toEqual([
      "2020-09-07T00:00:00+02:00 2020-09-08T00:00:00+02:00 Home office",
      "2020-09-16T00:00:00+02:00 2020-09-17T00:00:00+02:00 Home office (moved to Wednesday)",
      "2020-09-21T00:00:00+02:00 2020-09-22T00:00:00+02:00 Home office",
    ]);
  });

  it("matches an all-day override whose RECURRENCE-ID is that day's midnight in UTC", async () => {
    const result = await read("all-day-override-utc-recurrence-id.ics", { from: "2020-09-01", to: "2020-10-01", timezone: "Europe/Berlin" });
    expect(result.brief).toEqual([
      "2020-09-07T00:00:00+02:00 2020-09-08T00:00:00+02:00 Gym",
      "2020-09-17T00:00:00+02:00 2020-09-18T00:00:00+02:00 Gym (Thursday this week)",
      "2020-09-21T00:00:00+02:00 2020-09-22T00:00:00+02:00 Gym",
    ]);
  });

  it("lets an event without a UID replace nothing: nothing can refer to it", async () => {
    const result = await read("without-uid.ics", { from: "2026-03-01", to: "2026-04-01" });
    expect(result.brief).toEqual([
      "2026-03-02T07:00:00+00:00 2026-03-02T07:30:00+00:00 Swim",
      "2026-03-03T07:00:00+00:00 2026-03-03T07:30:00+00:00 Swim",
      "2026-03-03T18:00:00+00:00 2026-03-03T19:00:00+00:00 Book club",
      "2026-03-04T07:00:00+00:00 2026-03-04T07:30:00+00:00 Swim",
    ]);
  });

  it("keeps only the highest SEQUENCE of an event listed in several versions", async () => {
    const result = await read("sequence-versions.ics", { from: "2026-03-01", to: "2026-04-01" });
    expect(result.brief).toEqual(["2026-03-12T09:00:00+00:00 2026-03-12T17:00:00+00:00 Offsite (final)"]);
  });

  it("reads DTSTART:20190101 (no VALUE=DATE) as an all-day date", async () => {
    const result = await read("dtstart-date-without-value.ics", { from: "2026-01-01", to: "2026-12-31" });
    expect(result.brief).toEqual([
      "2026-01-01T00:00:00+00:00 2026-01-02T00:00:00+00:00 New Year's Day",
      "2026-05-01T00:00:00+00:00 2026-05-02T00:00:00+00:00 Labour Day",
    ]);
    expect(result.events.every((event) => event.allDay)).toBe(true);
    expect(result.unreadableEvents).toBeUndefined();
  });

  it("reports COUNT=-1 as a problem and still lists the event's first occurrence", async () => {
    const result = await read("count-negative.ics", { from: "2026-03-01", to: "2026-04-01" });
    expect(result.brief).toEqual(["2026-03-02T08:00:00+00:00 2026-03-02T08:15:00+00:00 Standup"]);
    expect(result.problems).toEqual([
      {
        event: "Standup",
        line: 9,
        problem: 'RRULE "FREQ=DAILY;COUNT=-1" cannot be used (COUNT=-1 is not a positive number); only its other dates are listed',
      },
    ]);
  });

  it("reads the rest of a calendar around bad content lines, and says which events and why", async () => {
    const result = await read("bad-content-lines.ics", { from: "2026-03-01", to: "2026-04-01" });
    expect(result.brief).toEqual([
      "2026-03-03T08:30:00+00:00 2026-03-03T09:00:00+00:00 Dentist",
      "2026-03-04T10:00:00+00:00 2026-03-04T11:00:00+00:00 Planning",
    ]);
    expect(result.unreadableEvents).toBe(1);
    expect(result.problems).toEqual([
      { event: "Dentist", line: 11, problem: expect.stringMatching(/^line "X-APPLE-STRUCTURED-LOCATION;.*" is not a valid content line; skipped$/) },
      { event: "Dentist", line: 12, problem: 'line "X-APPLE-RADIUS=70.58;X-TITLE=Dentist:geo:52.520008,13.404954" is not a valid content line; skipped' },
      { event: "Planning", line: 19, problem: 'line "ORGANIZER;CN=Jane Doe" is not a valid content line; skipped' },
      { event: "Sprint demo", line: 25, problem: 'DTSTART "2026-03-05 10:00" is not a date or date-time; left out' },
    ]);
    expect(result.summary).toBe("Read 2 events from calendar.example.com, 4 problems");
  });

  it("reads a file that starts with a byte-order mark and writes times without seconds", async () => {
    const result = await read("byte-order-mark.ics", { from: "2026-03-01", to: "2026-04-01" });
    expect(result.brief).toEqual(["2026-03-10T09:00:00+00:00 2026-03-10T10:00:00+00:00 Exported from a spreadsheet"]);
  });

  it("ends an event whose END:VEVENT is missing at the next BEGIN:VEVENT, and says so", async () => {
    const result = await read("missing-end-vevent.ics", { from: "2026-03-01", to: "2026-04-01" });
    expect(result.brief).toEqual([
      "2026-03-10T09:00:00+00:00 2026-03-10T10:00:00+00:00 Kick-off",
      "2026-03-11T09:00:00+00:00 2026-03-11T10:00:00+00:00 Follow-up",
    ]);
    expect(result.problems).toEqual([{ event: "Kick-off", line: 10, problem: "VEVENT has no END before the next BEGIN:VEVENT" }]);
  });

  it("maps a Windows zone name without a VTIMEZONE to its IANA zone, and says so", async () => {
    const result = await read("windows-zone-without-vtimezone.ics", { from: "2026-03-01", to: "2026-04-01" });
    expect(result.brief).toEqual([
      "2026-03-05T17:00:00+00:00 2026-03-05T17:30:00+00:00 Sync with Seattle", // 09:00 PST
      "2026-03-12T16:00:00+00:00 2026-03-12T16:30:00+00:00 Sync with Seattle", // 09:00 PDT, after 8 March
    ]);
    expect(result.notes).toEqual(['TZID "Pacific Standard Time" is a Windows zone name, read as America/Los_Angeles (CLDR windowsZones).']);
  });

  it("reads a zone only its VTIMEZONE defines, across its daylight-saving change", async () => {
    const result = await read("custom-vtimezone.ics", { from: "2026-03-01", to: "2026-04-30" });
    expect(result.brief).toEqual([
      "2026-03-25T18:00:00+00:00 2026-03-25T20:00:00+00:00 Choir", // 19:00 at +01:00
      "2026-04-01T17:00:00+00:00 2026-04-01T19:00:00+00:00 Choir", // 19:00 at +02:00, after the last Sunday of March
    ]);
    expect(result.notes).toBeUndefined();
  });
});
