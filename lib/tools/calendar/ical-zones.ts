// Time zones for ical.js. A TZID that names an IANA zone is resolved from the runtime's tz database
// rather than from the file's VTIMEZONE: the database is complete and current, while exported
// VTIMEZONE blocks are often truncated (Google Calendar and Apple Calendar read the name the same
// way). Other TZIDs ("W. Europe Standard Time") keep their VTIMEZONE, and floating times (no zone)
// are read in the time zone the caller asked for.
import ICAL from "ical.js";
import { canonicalTimeZone, wallTimeToEpoch } from "./zoned-time";

type Time = InstanceType<typeof ICAL.Time>;
type Component = InstanceType<typeof ICAL.Component>;

const MAX_CACHED_OFFSETS = 20_000;

/** An ical.js zone whose offsets come from Intl. */
class IanaTimezone extends ICAL.Timezone {
  private readonly offsets = new Map<number, number>();

  constructor(
    tzid: string,
    private readonly iana: string,
  ) {
    super({ tzid });
  }

  // ical.js asks for the offset of a wall-clock time in this zone, in seconds.
  override utcOffset(tt: Time): number {
    const asUtc = Date.UTC(tt.year, tt.month - 1, tt.day, tt.hour, tt.minute, tt.second);
    let offset = this.offsets.get(asUtc);
    if (offset === undefined) {
      const epoch = wallTimeToEpoch(
        { year: tt.year, month: tt.month, day: tt.day, hour: tt.hour, minute: tt.minute, second: tt.second },
        this.iana,
      );
      offset = (asUtc - epoch) / 1000;
      if (this.offsets.size >= MAX_CACHED_OFFSETS) this.offsets.clear();
      this.offsets.set(asUtc, offset);
    }
    return offset;
  }
}

// ical.js looks unknown TZIDs up in its global TimezoneService. Registering zones there is shared
// process state, but harmless: an entry only ever maps a name to that IANA zone.
function registerIanaZone(tzid: string, iana: string): void {
  if (!ICAL.TimezoneService.has(tzid)) ICAL.TimezoneService.register(new IanaTimezone(tzid, iana), tzid);
}

/** The IANA zone a TZID names, also for Mozilla-style "/mozilla.org/20050126_1/Europe/Berlin". */
export function ianaZoneForTzid(tzid: string): string | null {
  const trimmed = tzid.trim().replace(/^"|"$/g, "");
  const direct = canonicalTimeZone(trimmed);
  if (direct) return direct;
  const segments = trimmed.split("/").filter(Boolean);
  for (const take of [3, 2]) {
    if (segments.length > take) {
      const zone = canonicalTimeZone(segments.slice(-take).join("/"));
      if (zone) return zone;
    }
  }
  return null;
}

const DATE_TIME_PROPERTIES = ["dtstart", "dtend", "due", "exdate", "rdate", "recurrence-id"];

function tzidOf(property: InstanceType<typeof ICAL.Property>): string | null {
  const value = property.getParameter("tzid");
  if (typeof value === "string") return value;
  return Array.isArray(value) && typeof value[0] === "string" ? value[0] : null;
}

/**
 * Prepares a parsed VCALENDAR so every date-time resolves to the right instant. Must run before
 * any date-time value is read: ical.js decodes values lazily, on first access.
 */
export function prepareTimeZones(calendar: Component, floatingZone: string): void {
  const defined = new Set<string>();
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    const tzid = vtimezone.getFirstPropertyValue("tzid");
    if (typeof tzid !== "string") continue;
    const iana = ianaZoneForTzid(tzid);
    if (iana) {
      registerIanaZone(tzid, iana);
      calendar.removeSubcomponent(vtimezone);
    } else {
      defined.add(tzid);
    }
  }

  registerIanaZone(floatingZone, floatingZone);
  for (const component of calendar.getAllSubcomponents()) {
    if (component.name === "vtimezone") continue;
    for (const name of DATE_TIME_PROPERTIES) {
      for (const property of component.getAllProperties(name)) {
        if (property.type !== "date-time" && property.type !== "period") continue;
        const tzid = tzidOf(property);
        const iana = tzid ? ianaZoneForTzid(tzid) : null;
        if (tzid && iana) {
          registerIanaZone(tzid, iana);
        } else if (!tzid || !defined.has(tzid)) {
          // Floating, or a zone nobody defines: read it as wall-clock time where the reader is.
          // UTC values ("...Z") ignore the parameter.
          property.setParameter("tzid", floatingZone);
        }
      }
    }
  }
}
