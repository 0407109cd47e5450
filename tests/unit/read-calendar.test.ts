import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReadCalendarTool } from "@/lib/tools/calendar/read-calendar";
import type { FetchText } from "@/lib/tools/feeds/fetch-text";
import { ToolError, type ToolContext } from "@/lib/tools/types";
import { testToolContext } from "../support/tool-context";

const fixture = path.resolve(import.meta.dirname, "../fixtures/calendar/team.ics");

const fetched: string[] = [];
const fetchText: FetchText = async (url) => {
  fetched.push(url);
  if (url !== "https://calendar.example.com/team.ics") throw new ToolError(`404 Not Found: ${url}`);
  return { text: await readFile(fixture, "utf8"), contentType: "text/calendar; charset=utf-8" };
};

let root: string;
let context: ToolContext;
const tool = createReadCalendarTool({ fetchText });

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "baton-calendar-"));
  const workspaceDir = path.join(root, "workspace");
  await mkdir(path.join(workspaceDir, "calendars"), { recursive: true });
  await writeFile(path.join(workspaceDir, "calendars/team.ics"), await readFile(fixture));
  context = testToolContext({ workspaceDir });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Event {
  summary: string;
  start: string;
  end: string;
  allDay: boolean;
  location: string | null;
  description: string | null;
}

interface Problem {
  event: string | null;
  line: number | null;
  problem: string;
}

async function read(input: Record<string, unknown>, fetcher: FetchText = fetchText) {
  const calendarTool = fetcher === fetchText ? tool : createReadCalendarTool({ fetchText: fetcher });
  const { output, summary } = await calendarTool.run(calendarTool.input.parse(input), context);
  return { summary, ...(output as { calendar: string | null; timezone: string; events: Event[]; truncated?: true; unreadableEvents?: number; problems?: Problem[]; notes?: string[] }) };
}

const brief = (events: Event[]) => events.map((event) => `${event.start} ${event.end} ${event.summary}`);

function ics(...events: string[]): FetchText {
  const text = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", ...events, "END:VCALENDAR", ""].join("\r\n");
  return async () => ({ text, contentType: "text/calendar" });
}

describe("read_calendar", () => {
  it("expands recurrences across the DST change, with EXDATE, moved and cancelled occurrences (UTC)", async () => {
    const result = await read({ url: "https://calendar.example.com/team.ics", from: "2026-03-01", to: "2026-05-01" });
    expect(result.calendar).toBe("Team Berlin");
    expect(result.timezone).toBe("UTC");
    expect(brief(result.events)).toEqual([
      // 09:00 Berlin is 08:00Z before the last Sunday of March (29th)...
      "2026-03-12T08:00:00+00:00 2026-03-12T08:30:00+00:00 Team sync",
      "2026-03-19T08:00:00+00:00 2026-03-19T08:30:00+00:00 Team sync",
      "2026-03-23T17:30:00+00:00 2026-03-23T18:30:00+00:00 Running club",
      // 10:00 New York (already on EDT since 8 March) is 14:00Z.
      "2026-03-25T14:00:00+00:00 2026-03-25T15:00:00+00:00 Board call with the NYC office",
      "2026-03-25T17:30:00+00:00 2026-03-25T18:30:00+00:00 Running club",
      "2026-03-26T08:00:00+00:00 2026-03-26T08:30:00+00:00 Team sync",
      "2026-03-30T16:30:00+00:00 2026-03-30T17:30:00+00:00 Running club",
      // A Windows zone name, resolved through the file's VTIMEZONE.
      "2026-04-01T09:00:00+00:00 2026-04-01T09:30:00+00:00 Vendor call",
      // UNTIL=20260401T163000Z includes the occurrence that starts exactly then.
      "2026-04-01T16:30:00+00:00 2026-04-01T17:30:00+00:00 Running club",
      // ...and 07:00Z after it.
      "2026-04-02T07:00:00+00:00 2026-04-02T07:30:00+00:00 Team sync",
      "2026-04-03T00:00:00+00:00 2026-04-04T00:00:00+00:00 Office closed (Good Friday)",
      // 9 April is excluded (EXDATE); 16 April moved to Friday 17 April 14:00 Berlin.
      "2026-04-17T12:00:00+00:00 2026-04-17T12:30:00+00:00 Team sync (moved to Friday)",
      "2026-04-20T00:00:00+00:00 2026-04-23T00:00:00+00:00 JSConf EU",
      // 23 April is cancelled by an override; COUNT=8 ends the series on 30 April.
      "2026-04-30T07:00:00+00:00 2026-04-30T07:30:00+00:00 Team sync",
    ]);
    const sync = result.events[0];
    expect(sync).toMatchObject({
      allDay: false,
      location: "Room 4.12, Torstraße 1",
      description: "Agenda:\n- status, blockers\n- release plan for 2.4\n\nJoin: https://meet.example.com/team-sync",
    });
    expect(result.events.find((event) => event.summary.startsWith("Office closed"))?.allDay).toBe(true);
    expect(result.events.find((event) => event.summary.includes("moved"))?.location).toBe("Room 2.01");
    expect(result.summary).toBe("Read 14 events from calendar.example.com");
  });

  it("gives times with the offset of the requested zone; dates and floating times are read in it", async () => {
    const result = await read({
      url: "https://calendar.example.com/team.ics",
      from: "2026-03-25",
      to: "2026-04-04",
      timezone: "Europe/Berlin",
    });
    expect(brief(result.events)).toEqual([
      "2026-03-25T15:00:00+01:00 2026-03-25T16:00:00+01:00 Board call with the NYC office",
      "2026-03-25T18:30:00+01:00 2026-03-25T19:30:00+01:00 Running club",
      "2026-03-26T09:00:00+01:00 2026-03-26T09:30:00+01:00 Team sync",
      "2026-03-30T18:30:00+02:00 2026-03-30T19:30:00+02:00 Running club",
      "2026-04-01T11:00:00+02:00 2026-04-01T11:30:00+02:00 Vendor call",
      "2026-04-01T18:30:00+02:00 2026-04-01T19:30:00+02:00 Running club",
      "2026-04-02T09:00:00+02:00 2026-04-02T09:30:00+02:00 Team sync",
      "2026-04-03T00:00:00+02:00 2026-04-04T00:00:00+02:00 Office closed (Good Friday)",
    ]);
    const newYork = await read({
      url: "https://calendar.example.com/team.ics",
      from: "2026-04-03",
      to: "2026-04-04",
      timezone: "America/New_York",
    });
    expect(brief(newYork.events)).toEqual(["2026-04-03T00:00:00-04:00 2026-04-04T00:00:00-04:00 Office closed (Good Friday)"]);
  });

  it("finds an occurrence moved into the window from outside it, and overlapping events", async () => {
    const moved = await read({ url: "https://calendar.example.com/team.ics", from: "2026-04-17T00:00:00Z", to: "2026-04-18T00:00:00Z" });
    expect(brief(moved.events)).toEqual(["2026-04-17T12:00:00+00:00 2026-04-17T12:30:00+00:00 Team sync (moved to Friday)"]);
    // The conference runs 20-22 April; a window on the 21st overlaps it.
    const overlapping = await read({ url: "https://calendar.example.com/team.ics", from: "2026-04-21T12:00:00Z", to: "2026-04-21T13:00:00Z" });
    expect(overlapping.events.map((event) => event.summary)).toEqual(["JSConf EU"]);
  });

  it("reads a file from the task workspace, and only from there", async () => {
    const result = await read({ file: "calendars/team.ics", from: "2026-04-02T00:00:00Z", to: "2026-04-03T00:00:00Z" });
    expect(brief(result.events)).toEqual(["2026-04-02T07:00:00+00:00 2026-04-02T07:30:00+00:00 Team sync"]);
    expect(result.summary).toBe("Read 1 event from calendars/team.ics");
    await expect(read({ file: "../../etc/hosts", from: "2026-04-02", to: "2026-04-03" })).rejects.toThrow("outside the task workspace");
    await expect(read({ file: "/etc/hosts", from: "2026-04-02", to: "2026-04-03" })).rejects.toThrow("is absolute");
  });

  it("fetches webcal:// URLs over https", async () => {
    fetched.length = 0;
    await read({ url: "webcal://calendar.example.com/team.ics", from: "2026-04-02", to: "2026-04-03" });
    expect(fetched).toEqual(["https://calendar.example.com/team.ics"]);
  });

  it("uses the tz database for IANA TZIDs without a VTIMEZONE, and reads floating times in the requested zone", async () => {
    const fetcher = ics(
      "BEGIN:VEVENT",
      "UID:last-friday",
      "DTSTART;TZID=Europe/Berlin:20260130T160000",
      "DURATION:PT1H",
      "RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=4",
      "SUMMARY:Demo day",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:floating",
      "DTSTART:20260327T090000",
      "DTEND:20260327T100000",
      "SUMMARY:Floating breakfast",
      "END:VEVENT",
    );
    const result = await read({ url: "https://x.example/c.ics", from: "2026-01-01", to: "2026-06-01", timezone: "Asia/Tokyo" }, fetcher);
    expect(brief(result.events)).toEqual([
      "2026-01-31T00:00:00+09:00 2026-01-31T01:00:00+09:00 Demo day",
      "2026-02-28T00:00:00+09:00 2026-02-28T01:00:00+09:00 Demo day",
      "2026-03-27T09:00:00+09:00 2026-03-27T10:00:00+09:00 Floating breakfast",
      "2026-03-28T00:00:00+09:00 2026-03-28T01:00:00+09:00 Demo day", // still CET on 27 March
      "2026-04-24T23:00:00+09:00 2026-04-25T00:00:00+09:00 Demo day", // CEST
    ]);
  });

  it("counts DTSTART in an RDATE set, and skips (and counts) events it cannot read", async () => {
    const fetcher = ics(
      "BEGIN:VEVENT",
      "UID:rdate",
      "DTSTART;TZID=Europe/Berlin:20260310T100000",
      "DTEND;TZID=Europe/Berlin:20260310T110000",
      "RDATE;TZID=Europe/Berlin:20260410T100000,20260510T100000",
      "EXDATE;TZID=Europe/Berlin:20260510T100000",
      "SUMMARY:Quarterly review",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:broken",
      "DTSTART:2026-03-garbage",
      "SUMMARY:Broken",
      "END:VEVENT",
    );
    const result = await read({ url: "https://x.example/c.ics", from: "2026-01-01", to: "2026-12-31" }, fetcher);
    expect(brief(result.events)).toEqual([
      "2026-03-10T09:00:00+00:00 2026-03-10T10:00:00+00:00 Quarterly review",
      "2026-04-10T08:00:00+00:00 2026-04-10T09:00:00+00:00 Quarterly review",
    ]);
    expect(result).toMatchObject({ unreadableEvents: 1 });
  });

  it("keeps an override whose instance the edited rule no longer makes", async () => {
    const fetcher = ics(
      "BEGIN:VEVENT",
      "UID:one-on-one",
      "DTSTART:20260302T150000Z",
      "DURATION:PT30M",
      "RRULE:FREQ=WEEKLY;COUNT=2",
      "SUMMARY:1:1",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:one-on-one",
      "RECURRENCE-ID:20260316T150000Z",
      "DTSTART:20260317T090000Z",
      "DTEND:20260317T093000Z",
      "SUMMARY:1:1 (rescheduled)",
      "END:VEVENT",
    );
    const result = await read({ url: "https://x.example/c.ics", from: "2026-03-01", to: "2026-04-01" }, fetcher);
    expect(brief(result.events)).toEqual([
      "2026-03-02T15:00:00+00:00 2026-03-02T15:30:00+00:00 1:1",
      "2026-03-09T15:00:00+00:00 2026-03-09T15:30:00+00:00 1:1",
      "2026-03-17T09:00:00+00:00 2026-03-17T09:30:00+00:00 1:1 (rescheduled)",
    ]);
  });

  it("caps the number of events and says so", async () => {
    const fetcher = ics("BEGIN:VEVENT", "UID:hourly", "DTSTART:20260101T000000Z", "DURATION:PT5M", "RRULE:FREQ=HOURLY", "SUMMARY:Ping", "END:VEVENT");
    const result = await read({ url: "https://x.example/c.ics", from: "2026-03-01", to: "2026-04-01" }, fetcher);
    expect(result.events).toHaveLength(500);
    expect(result.truncated).toBe(true);
    expect(result.events[0]?.start).toBe("2026-03-01T00:00:00+00:00");
  });

  it("refuses what is not a calendar, and reads what it can of a broken one", async () => {
    const html = async () => ({ text: "<html><body>Sign in</body></html>", contentType: "text/html" });
    await expect(read({ url: "https://x.example/c.ics", from: "2026-03-01", to: "2026-04-01" }, html)).rejects.toThrow(
      "This is not an iCalendar file",
    );
    const broken = async () => ({ text: "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nnonsense\r\n", contentType: "text/calendar" });
    const result = await read({ url: "https://x.example/c.ics", from: "2026-03-01", to: "2026-04-01" }, broken);
    expect(result.events).toEqual([]);
    expect(result.problems?.map((problem) => problem.problem)).toEqual([
      'line "nonsense" is not a valid content line; skipped',
      "the file ends inside VEVENT (cut short?)",
      "it has no DTSTART; left out",
    ]);
  });

  it("validates the window, the time zone and the source", () => {
    const messages = (input: Record<string, unknown>) => {
      const result = tool.input.safeParse(input);
      return result.success ? [] : result.error.issues.map((issue) => issue.message);
    };
    const url = "https://calendar.example.com/team.ics";
    expect(messages({ url, from: "2026-03-01", to: "2026-04-01", timezone: "Mars/Olympus_Mons" })).toEqual([
      'Unknown time zone "Mars/Olympus_Mons"; use an IANA name such as "Europe/Berlin" or "UTC".',
    ]);
    expect(messages({ url, from: "2026-04-01", to: "2026-04-01" })).toEqual(["`to` must be after `from`."]);
    expect(messages({ url, from: "2026-01-01", to: "2027-01-03" })).toEqual(["The window may span at most 366 days."]);
    expect(messages({ url, from: "2026-01-01", to: "2027-01-02" })).toEqual([]);
    expect(messages({ url, file: "a.ics", from: "2026-01-01", to: "2026-02-01" })).toEqual(["Give exactly one of url or file."]);
    expect(messages({ from: "2026-01-01", to: "2026-02-01" })).toEqual(["Give exactly one of url or file."]);
    expect(messages({ url, from: "yesterday", to: "2026-02-30" })).toHaveLength(2);
    expect(messages({ url: "ftp://x.example/c.ics", from: "2026-01-01", to: "2026-02-01" })).toHaveLength(1);

    const input = tool.input.parse({ file: "calendars/team.ics", from: "2026-01-01", to: "2026-02-01" });
    expect(input.timezone).toBe("UTC");
    expect([tool.risk(input), tool.idempotent(input), tool.target(input)]).toEqual(["read", true, "calendars/team.ics"]);
  });
});
