// A year of schedules in zones with every kind of daylight-saving change, checked against a
// simulated clock: a daemon that wakes every real minute, reads the zone's wall clock, and runs
// the schedule once if the clock has reached one of its wall-clock times it had not reached
// before. That is the rule the schedules promise, worked out minute by minute instead of
// computed, so the two must agree on every run.
import { Cron } from "croner";
import { beforeAll, describe, expect, it } from "vitest";
import { nextRunTimes } from "@/lib/schedules/schedule-time";
import { offsetAt } from "@/lib/tools/calendar/zoned-time";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const ZONES = [
  { zone: "Europe/Berlin", year: 2027, changes: 2 },
  { zone: "America/New_York", year: 2027, changes: 2 },
  { zone: "Australia/Sydney", year: 2027, changes: 2 }, // southern hemisphere
  { zone: "Australia/Lord_Howe", year: 2027, changes: 2 }, // 30-minute daylight saving
  { zone: "Pacific/Chatham", year: 2027, changes: 2 }, // +12:45 / +13:45
  { zone: "America/Santiago", year: 2027, changes: 2 }, // changes at midnight
  { zone: "Asia/Tehran", year: 2021, changes: 2 }, // its last year but one with daylight saving
  { zone: "Asia/Tehran", year: 2027, changes: 0 }, // abolished since
  { zone: "Asia/Kolkata", year: 2027, changes: 0 }, // +05:30 all year, the control
];

const EXPRESSIONS = [
  "0 * * * *", // hourly
  "*/15 * * * *", // a step in minutes
  "0 */2 * * *", // a step in hours
  "30 1-3 * * *", // a range of hours
  "0,45 2,3 * * *", // lists
  "* 2 * * *", // every minute of one hour
  "30 2 * * *", // one time a day
  "0 0 * * *", // midnight, skipped in Santiago and Tehran
  "10 0-6/3 * * 0", // a stepped range on Sundays, when most changes happen
];

type OffsetChange = { at: number; offset: number };

/** The instants in [from, to) at which the zone's offset changes, each to the minute, with the offset from then on. */
function offsetChanges(zone: string, from: number, to: number): OffsetChange[] {
  const changes: OffsetChange[] = [];
  for (let hour = from; hour < to; hour += HOUR) {
    if (offsetAt(hour + HOUR, zone) === offsetAt(hour, zone)) continue;
    let minute = hour;
    while (offsetAt(minute, zone) === offsetAt(hour, zone)) minute += MINUTE;
    changes.push({ at: minute, offset: offsetAt(minute, zone) });
  }
  return changes;
}

/** The zone's offset at an instant in [from, to], from the changes found there. */
function offsetFrom(changes: OffsetChange[], initial: number): (instant: number) => number {
  return (instant) => changes.findLast((change) => change.at <= instant)?.offset ?? initial;
}

function simulatedRuns(cron: string, zone: string, from: number, to: number, changes: OffsetChange[]): { runs: number[]; gapEnds: Set<number> } {
  let offset = offsetAt(from, zone);
  const wallTimes = new Set<number>();
  // The expression's wall-clock times, read on a clock without daylight saving.
  const cronInUtc = new Cron(cron, { utcOffset: 0, paused: true });
  for (let wall = cronInUtc.nextRun(new Date(from + offset)); wall && wall.getTime() <= to + 15 * HOUR; wall = cronInUtc.nextRun(wall)) {
    wallTimes.add(wall.getTime());
  }
  const runs: number[] = [];
  const gapEnds = new Set<number>();
  let reached = from + offset;
  for (let now = from + MINUTE, next = 0; now <= to; now += MINUTE) {
    if (changes[next]?.at === now) {
      if (changes[next]!.offset > offset) gapEnds.add(now);
      offset = changes[next++]!.offset;
    }
    const clock = now + offset;
    let due = false;
    for (let wall = reached + MINUTE; wall <= clock; wall += MINUTE) due ||= wallTimes.has(wall);
    reached = Math.max(reached, clock);
    if (due) runs.push(now);
  }
  return { runs, gapEnds };
}

describe("a year of schedules across daylight-saving changes", () => {
  for (const { zone, year, changes } of ZONES) {
    const from = Date.UTC(year, 0, 1);
    const to = Date.UTC(year + 1, 0, 1);

    let found: OffsetChange[] = [];
    beforeAll(() => {
      found = offsetChanges(zone, from, to);
    });

    it(`${zone} changes offset ${changes} times in ${year}`, () => {
      expect(found).toHaveLength(changes);
    });

    for (const cron of EXPRESSIONS) {
      it(`${zone} ${year}: ${cron}`, () => {
        const { runs: expected, gapEnds } = simulatedRuns(cron, zone, from, to, found);
        const offset = offsetFrom(found, offsetAt(from, zone));
        const runs = nextRunTimes({ cron, timezone: zone }, new Date(from), expected.length + 1).map((run) => run.getTime());
        expect(runs.at(-1)).toBeGreaterThan(to);
        const inYear = runs.filter((run) => run <= to);

        // Strictly increasing, and no wall-clock time twice.
        expect(inYear.every((run, index) => index === 0 || run > inYear[index - 1]!)).toBe(true);
        const clocks = inYear.map((run) => run + offset(run));
        expect(new Set(clocks).size).toBe(clocks.length);
        // Every run is one of the schedule's times or the first minute after a gap.
        const cronInUtc = new Cron(cron, { utcOffset: 0, paused: true });
        expect(inYear.filter((run, index) => !cronInUtc.match(new Date(clocks[index]!)) && !gapEnds.has(run))).toEqual([]);
        // None lost, none moved anywhere but to the end of its gap: the same runs as the simulated clock.
        expect(inYear).toEqual(expected);
      });
    }
  }
});
