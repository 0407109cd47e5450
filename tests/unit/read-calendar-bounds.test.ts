// A calendar is untrusted input: reading one is bounded (by the window, by occurrences, by rule
// steps and by work time) and never holds the event loop every task on the worker shares.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expandCalendar } from "@/lib/tools/calendar/expand-calendar";
import { createReadCalendarTool } from "@/lib/tools/calendar/read-calendar";
import { testToolContext } from "../support/tool-context";

const window = { from: Date.parse("2026-03-01T00:00:00Z"), to: Date.parse("2026-04-01T00:00:00Z"), timeZone: "UTC" };

function calendar(...events: string[][]): string {
  const body = events.flatMap((lines, index) => ["BEGIN:VEVENT", `UID:event-${index}`, "DTSTAMP:20260101T000000Z", ...lines, "END:VEVENT"]);
  return ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Baton tests//EN", ...body, "END:VCALENDAR", ""].join("\r\n");
}

/** Counts turns of the event loop (setImmediate callbacks) until stopped, and the longest wait between two. */
function watchEventLoop() {
  let turns = 0;
  let longestGapMs = 0;
  let last = performance.now();
  let running = true;
  const turn = () => {
    if (!running) return;
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    turns++;
    setImmediate(turn);
  };
  setImmediate(turn);
  return {
    stop: () => {
      running = false;
      return { turns, longestGapMs };
    },
  };
}

describe("read_calendar bounds", () => {
  it("leaves out an event with DURATION:P999999999999999999W at once, and reads the rest", async () => {
    const text = await readFile(path.resolve(import.meta.dirname, "../fixtures/calendar/huge-duration.ics"), "utf8");
    const tool = createReadCalendarTool({ fetchText: async () => ({ text, contentType: "text/calendar" }) });
    const started = performance.now();
    const { output } = await tool.run(
      tool.input.parse({ url: "https://calendar.example.com/huge.ics", from: "2026-01-01", to: "2026-02-01" }),
      testToolContext({ workspaceDir: "/nonexistent" }),
    );
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(output).toMatchObject({
      events: [{ summary: "Lunch", start: "2026-01-07T12:00:00+00:00" }],
      unreadableEvents: 1,
      problems: [{ event: "Never-ending standup", problem: "it lasts more than 100 years (DTEND or DURATION); left out" }],
    });
  });

  it("stops following a rule that walks too long before the window, says so, and still reads the other events", async () => {
    const started = performance.now();
    const result = await expandCalendar(
      calendar(
        ["DTSTART:20000101T000000Z", "RRULE:FREQ=SECONDLY;COUNT=2000000000", "SUMMARY:Tick"],
        ["DTSTART:20260310T090000Z", "DURATION:PT1H", "SUMMARY:Dentist"],
      ),
      window,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.events.map((event) => event.summary)).toEqual(["Dentist"]);
    expect(result.truncated).toBe(true);
    expect(result.problems).toEqual([
      {
        event: "Tick",
        line: 4,
        problem: "its recurrence rule was followed for 100000 steps without getting past the window; later occurrences are not listed",
      },
    ]);
  });

  it("walks a rule that lists every hour, minute and second one candidate at a time, up to the event cap", async () => {
    const every = (count: number, first = 0) => Array.from({ length: count }, (_, index) => index + first).join(",");
    const rule = `FREQ=YEARLY;BYMONTH=${every(12, 1)};BYMONTHDAY=${every(31, 1)};BYHOUR=${every(24)};BYMINUTE=${every(60)};BYSECOND=${every(60)}`;
    const started = performance.now();
    const result = await expandCalendar(calendar(["DTSTART:19700101T000000Z", `RRULE:${rule}`, "SUMMARY:Every second"]), window);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.events).toHaveLength(500);
    expect(result.events[0]?.start).toBe("2026-03-01T00:00:00+00:00");
    expect(result.events[499]?.start).toBe("2026-03-01T00:08:19+00:00");
    expect(result.truncated).toBe(true);
  });

  it("ends a rule that can never match (30 February) at the window instead of searching on", async () => {
    const result = await expandCalendar(calendar(["DTSTART:19000228T090000Z", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "SUMMARY:Never"]), window);
    expect(result).toMatchObject({ events: [], truncated: false, problems: [] });
  });

  it("stops after its work-time limit, marks the result truncated and says why", async () => {
    const heavy = Array.from({ length: 40 }, (_, index) => [`DTSTART:20000101T0000${String(index).padStart(2, "0")}Z`, "RRULE:FREQ=SECONDLY;COUNT=2000000000"]);
    const started = performance.now();
    const result = await expandCalendar(calendar(...heavy), { ...window, timeLimitMs: 150 });
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(result.truncated).toBe(true);
    expect(result.problems.at(-1)).toEqual({ event: null, line: null, problem: "reading stopped after 0.15 s of work; events after that point are not listed" });
  });

  it("keeps the event loop turning while a big calendar is read", async () => {
    const events = Array.from({ length: 20_000 }, (_, index) => [
      `DTSTART:2026${String(3 + (index % 9)).padStart(2, "0")}${String(1 + (index % 28)).padStart(2, "0")}T090000Z`,
      "DURATION:PT30M",
      "RRULE:FREQ=DAILY;COUNT=3",
      `SUMMARY:Meeting ${index}`,
      "DESCRIPTION:Agenda\\, notes and a link: https://meet.example.com/abc-defg-hij",
    ]);
    const text = calendar(...events);
    const watch = watchEventLoop();
    const result = await expandCalendar(text, window);
    const { turns, longestGapMs } = watch.stop();
    expect(result.events).toHaveLength(500);
    expect(turns).toBeGreaterThanOrEqual(10);
    expect(longestGapMs).toBeLessThan(1_000);
  });
});
