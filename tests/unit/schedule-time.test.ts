import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fieldErrorsOf } from "@/lib/http/respond";
import { nextRunTimes, scheduleTimingInput, SCHEDULE_PRESETS } from "@/lib/schedules/schedule-time";
import { formatInZone } from "@/lib/tools/calendar/zoned-time";

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

// One file per zone: its changes of offset and, for expressions around them, every run in a window.
const FIXTURES = join(__dirname, "../fixtures/schedules/dst");
const transitionDays = z.object({
  zone: z.string(),
  changes: z.string(),
  cases: z.array(z.object({ cron: z.string(), after: z.string(), until: z.string(), runs: z.array(z.string()) })),
});

/** Every run in (after, until], written on the zone's clock with its offset. */
function runsBetween(cron: string, timezone: string, after: string, until: string): string[] {
  const end = new Date(until).getTime();
  const runs = nextRunTimes({ cron, timezone }, new Date(after), 100);
  expect(runs.at(-1)!.getTime()).toBeGreaterThan(end); // the window is shorter than the runs asked for
  return runs.filter((run) => run.getTime() <= end).map((run) => formatInZone(run.getTime(), timezone));
}

describe("every expression on the days clocks change: each wall-clock time once, skipped times at the end of the gap", () => {
  for (const file of readdirSync(FIXTURES)) {
    const { zone, changes, cases } = transitionDays.parse(JSON.parse(readFileSync(join(FIXTURES, file), "utf8")));
    describe(`${zone} (${changes})`, () => {
      for (const { cron, after, until, runs } of cases) {
        it(`${cron} from ${after} to ${until}`, () => {
          expect(runsBetween(cron, zone, after, until)).toEqual(runs);
        });
      }
    });
  }
});

describe("next run times across daylight-saving changes", () => {
  it("Berlin spring-forward (28 Mar 2027, 02:00 → 03:00): a 02:30 run happens once, at 03:00", () => {
    expect(iso(nextRunTimes({ cron: "30 2 * * *", timezone: "Europe/Berlin" }, new Date("2027-03-27T12:00:00Z"), 3))).toEqual([
      "2027-03-28T01:00:00.000Z",
      "2027-03-29T00:30:00.000Z",
      "2027-03-30T00:30:00.000Z",
    ]);
  });

  it("New York fall-back (7 Nov 2027, 02:00 → 01:00): a 01:30 run happens once, at the first 01:30", () => {
    expect(iso(nextRunTimes({ cron: "30 1 * * *", timezone: "America/New_York" }, new Date("2027-11-06T12:00:00Z"), 3))).toEqual([
      "2027-11-07T05:30:00.000Z",
      "2027-11-08T06:30:00.000Z",
      "2027-11-09T06:30:00.000Z",
    ]);
  });

  it("Sydney (southern hemisphere) spring-forward in October and fall-back in April each run once", () => {
    expect(iso(nextRunTimes({ cron: "30 2 * * *", timezone: "Australia/Sydney" }, new Date("2027-10-02T00:00:00Z"), 2))).toEqual([
      "2027-10-02T16:00:00.000Z",
      "2027-10-03T15:30:00.000Z",
    ]);
    expect(iso(nextRunTimes({ cron: "30 2 * * *", timezone: "Australia/Sydney" }, new Date("2027-04-03T00:00:00Z"), 2))).toEqual([
      "2027-04-03T15:30:00.000Z",
      "2027-04-04T16:30:00.000Z",
    ]);
  });

  it("keeps a weekday 07:00 briefing at 07:00 local on both sides of a change", () => {
    const weekdays = SCHEDULE_PRESETS.find((preset) => preset.id === "weekdays-0700")!.cron;
    expect(iso(nextRunTimes({ cron: weekdays, timezone: "Europe/Berlin" }, new Date("2027-03-26T12:00:00Z"), 2))).toEqual([
      "2027-03-29T05:00:00.000Z", // Monday after the change, CEST
      "2027-03-30T05:00:00.000Z",
    ]);
  });
});

describe("schedule timing validation", () => {
  it("explains a bad cron expression and an unknown time zone", () => {
    const result = scheduleTimingInput.safeParse({ cron: "0 7 * *", timezone: "Mars/Olympus" });
    expect(fieldErrorsOf(result.error!)).toEqual({
      timezone: ["Use an IANA time zone such as Europe/Berlin or America/New_York."],
      cron: ["Use five fields: minute hour day-of-month month day-of-week, e.g. 0 7 * * 1-5."],
    });
    expect(fieldErrorsOf(scheduleTimingInput.safeParse({ cron: "61 7 * * *", timezone: "UTC" }).error!).cron?.[0]).toMatch(/Not a valid cron/);
  });

  it("accepts every preset", () => {
    for (const preset of SCHEDULE_PRESETS) expect(scheduleTimingInput.safeParse({ cron: preset.cron, timezone: "UTC" }).success).toBe(true);
  });
});
