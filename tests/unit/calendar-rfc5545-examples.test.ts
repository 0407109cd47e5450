// Every recurrence example of RFC 5545 3.8.5.3, with the occurrences the RFC lists for it
// (tests/fixtures/calendar/rfc5545-rrule-examples.json, written from the RFC text). For a rule
// that runs forever the RFC lists the first few; those must come first, in that order.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expandCalendar } from "@/lib/tools/calendar/expand-calendar";

interface Example {
  title: string;
  dtstart: string;
  rrule: string;
  exdate?: string;
  forever: boolean;
  expected: string[];
}

const examples = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, "../fixtures/calendar/rfc5545-rrule-examples.json"), "utf8"),
) as Example[];

function calendarOf({ dtstart, rrule, exdate }: Example): string {
  return [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//baton tests//EN",
    "BEGIN:VEVENT",
    "UID:rfc-example",
    `DTSTART;TZID=America/New_York:${dtstart}`,
    "DURATION:PT1H",
    `RRULE:${rrule}`,
    ...(exdate ? [`EXDATE;TZID=America/New_York:${exdate}`] : []),
    "SUMMARY:Example",
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");
}

describe("RFC 5545 3.8.5.3 recurrence examples", () => {
  it("has all 42 rules of the section", () => {
    expect(examples).toHaveLength(42);
  });

  it.each(examples.map((example) => [`${example.title}: ${example.rrule}`, example] as const))("%s", async (_, example) => {
    const result = await expandCalendar(calendarOf(example), {
      from: Date.parse("1996-01-01T00:00:00Z"),
      to: Date.parse("2010-01-01T00:00:00Z"),
      timeZone: "America/New_York",
      maxEvents: example.forever ? example.expected.length : 1_000,
    });
    const starts = result.events.map((event) => event.start);
    expect(starts).toEqual(example.expected);
    expect(result.problems).toEqual([]);
    expect(result.truncated).toBe(example.forever);
  });
});
