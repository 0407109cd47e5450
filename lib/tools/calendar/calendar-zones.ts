// What a TZID means. A name the tz database knows (also behind a leading slash or a Mozilla-style
// prefix: "/Europe/Stockholm", "/mozilla.org/20050126_1/Europe/Berlin") and a Windows name
// ("Pacific Standard Time", through CLDR's table) are read from the runtime's tz database rather
// than from the file's VTIMEZONE: the database is complete and current, while exported VTIMEZONE
// blocks are often truncated to this year's rules. Other names use their VTIMEZONE; a name nobody
// defines is read as floating time, and the caller is told.
import { allProperties, firstProperty, type Component } from "./content-lines";
import { DAY_MS, parseTime, wallMs } from "./ical-values";
import { ruleInstances } from "./expand-rule";
import { parseRecurrenceRule } from "./recurrence-rule";
import { ianaForWindowsZone } from "./windows-zones";
import { canonicalTimeZone, wallTimeAt, wallTimeToEpoch } from "./zoned-time";

export interface Zone {
  /** The instant a wall-clock time (wall ms) names in this zone. */
  toEpoch(wall: number): number;
}

const UTC_ZONE: Zone = { toEpoch: (wall) => wall };

/** The IANA zone a TZID names, also for "/Europe/Stockholm" and "/mozilla.org/20050126_1/Europe/Berlin". */
function ianaZoneForTzid(tzid: string): string | null {
  const trimmed = tzid.trim().replace(/^"|"$/g, "");
  const direct = canonicalTimeZone(trimmed);
  if (direct) return direct;
  const segments = trimmed.split("/").filter(Boolean);
  for (const take of [3, 2]) {
    if (segments.length >= take) {
      const zone = canonicalTimeZone(segments.slice(-take).join("/"));
      if (zone) return zone;
    }
  }
  return null;
}

const MAX_CACHED_DAYS = 10_000;

function ianaZone(timeZone: string): Zone {
  const exact = (wall: number) => {
    const date = new Date(wall);
    return wallTimeToEpoch(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: date.getUTCHours(),
        minute: date.getUTCMinutes(),
        second: date.getUTCSeconds(),
      },
      timeZone,
    );
  };
  // Intl is slow (a few µs a call, several calls a conversion) and a big calendar converts
  // hundreds of thousands of times; the offset is the same all day except on a transition day.
  const dayOffsets = new Map<number, number | null>();
  return {
    toEpoch(wall) {
      const day = Math.floor(wall / DAY_MS) * DAY_MS;
      let offset = dayOffsets.get(day);
      if (offset === undefined) {
        const atStart = day - exact(day);
        const atEnd = day + DAY_MS - 1000 - exact(day + DAY_MS - 1000);
        offset = atStart === atEnd ? atStart : null;
        if (dayOffsets.size >= MAX_CACHED_DAYS) dayOffsets.clear();
        dayOffsets.set(day, offset);
      }
      return offset === null ? exact(wall) : wall - offset;
    },
  };
}

function offsetMs(text: string | undefined): number | null {
  const match = /^([+-])(\d{2})(\d{2})(\d{2})?$/.exec(text?.trim() ?? "");
  if (!match) return null;
  const [, sign, hours, minutes, seconds = "0"] = match;
  return (sign === "-" ? -1 : 1) * ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

interface Onset {
  wall: number;
  offsetFrom: number;
  offsetTo: number;
}

// Each year's transitions come from walking each observance's rule over two years; a sane
// VTIMEZONE has a handful, so this bounds a hostile one without limiting a real one.
const MAX_STEPS_PER_YEAR = 2_000;

/** A zone defined by a VTIMEZONE: the offset in force is the last onset's TZOFFSETTO (RFC 5545 3.6.5). */
function vtimezoneZone(vtimezone: Component): Zone | null {
  const observances = vtimezone.components.flatMap((component) => {
    const start = parseTime(firstProperty(component, "DTSTART")?.value ?? "", null);
    const offsetFrom = offsetMs(firstProperty(component, "TZOFFSETFROM")?.value);
    const offsetTo = offsetMs(firstProperty(component, "TZOFFSETTO")?.value);
    if (!start || offsetFrom === null || offsetTo === null) return [];
    const ruleText = firstProperty(component, "RRULE")?.value;
    const rule = ruleText === undefined ? null : parseRecurrenceRule(ruleText);
    const rdates = allProperties(component, "RDATE")
      .flatMap((property) => property.value.split(","))
      .map((value) => parseTime(value, null)?.wall)
      .filter((wall): wall is number => wall !== undefined);
    return [{ start: start.wall, offsetFrom, offsetTo, rule: typeof rule === "string" ? null : rule, rdates }];
  });
  if (observances.length === 0) return null;
  const byYear = new Map<number, Onset[]>();

  const onsetsAround = (year: number): Onset[] => {
    let onsets = byYear.get(year);
    if (onsets) return onsets;
    const end = wallMs(Math.min(year + 1, 9999), 12, 31);
    onsets = [];
    for (const { start, offsetFrom, offsetTo, rule, rdates } of observances) {
      const walls = [start, ...rdates];
      if (rule) {
        let steps = 0;
        const skipTo = rule.count === null ? wallMs(Math.max(1, year - 1), 1, 1) : null;
        for (const wall of ruleInstances(rule, { start, end, skipTo })) {
          if (++steps > MAX_STEPS_PER_YEAR || (rule.count !== null && steps > rule.count)) break;
          if (wall !== null && (rule.until === null || wall <= rule.until.wall)) walls.push(wall);
        }
      }
      for (const wall of walls) if (wall <= end) onsets.push({ wall, offsetFrom, offsetTo });
    }
    onsets.sort((a, b) => a.wall - b.wall);
    byYear.set(year, onsets);
    return onsets;
  };

  return {
    toEpoch(wall) {
      const onsets = onsetsAround(new Date(wall).getUTCFullYear());
      // Onsets are wall times in the offset before them; compare in that clock.
      const current = onsets.findLast((onset) => onset.wall <= wall);
      const offset = current ? current.offsetTo : (onsets[0]?.offsetFrom ?? observances[0]!.offsetFrom);
      return wall - offset;
    },
  };
}

/** The zones of one VCALENDAR, resolved once per TZID. */
export class CalendarZones {
  private readonly resolved = new Map<string, Zone>();
  private readonly vtimezones = new Map<string, Component>();
  readonly floating: Zone;

  constructor(
    calendar: Component,
    private readonly floatingName: string,
    private readonly note: (text: string) => void,
  ) {
    this.floating = ianaZone(floatingName);
    for (const component of calendar.components) {
      const tzid = component.name === "VTIMEZONE" ? firstProperty(component, "TZID")?.value : undefined;
      if (tzid !== undefined) this.vtimezones.set(tzid.trim().replace(/^"|"$/g, ""), component);
    }
  }

  /** The wall-clock time (wall ms) an instant shows in the floating zone. */
  wallInFloating(epoch: number): number {
    const { year, month, day, hour, minute, second } = wallTimeAt(epoch, this.floatingName);
    return wallMs(year, month, day, hour, minute, second);
  }

  /** The zone of a date-time: UTC for "...Z", its TZID's zone, or floating. */
  zoneOf(value: { utc: boolean; tzid: string | null }): Zone {
    if (value.utc) return UTC_ZONE;
    if (value.tzid === null) return this.floating;
    const tzid = value.tzid.trim().replace(/^"|"$/g, "");
    let zone = this.resolved.get(tzid);
    if (!zone) {
      zone = this.resolve(tzid);
      this.resolved.set(tzid, zone);
    }
    return zone;
  }

  private resolve(tzid: string): Zone {
    const iana = ianaZoneForTzid(tzid);
    if (iana) return ianaZone(iana);
    const windows = ianaForWindowsZone(tzid);
    if (windows) {
      this.note(`TZID "${tzid}" is a Windows zone name, read as ${windows} (CLDR windowsZones).`);
      return ianaZone(windows);
    }
    const vtimezone = this.vtimezones.get(tzid);
    const defined = vtimezone ? vtimezoneZone(vtimezone) : null;
    if (defined) return defined;
    this.note(`TZID "${tzid}" names no known zone and has no usable VTIMEZONE; its times are read in ${this.floatingName}.`);
    return this.floating;
  }
}
