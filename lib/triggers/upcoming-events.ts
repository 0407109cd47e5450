// A calendar trigger's events: timed occurrences starting between now and now + lead, recurrences
// expanded by the read_calendar tool's own reader (bounded, since the calendar is untrusted).
import { expandCalendar, type Occurrence } from "@/lib/tools/calendar/expand-calendar";

export async function upcomingOccurrences(text: string, params: { now: Date; leadMinutes: number }): Promise<Occurrence[]> {
  const from = params.now.getTime();
  const to = from + params.leadMinutes * 60_000;
  const { events } = await expandCalendar(text, { from, to, timeZone: "UTC", maxEvents: 200 });
  // Overlapping the window is not enough: a meeting already under way needs no preparing.
  return events.filter((event) => !event.allDay && Date.parse(event.start) >= from);
}

/** One occurrence of one event: a moved meeting is a new occurrence, the same one polled again is not. */
export const occurrenceKey = (event: Occurrence) => `occurrence:${event.summary}|${event.start}`.slice(0, 500);
