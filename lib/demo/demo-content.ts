// What the demo sources say. Fixed stories and events, dated so that a morning brief is
// meaningful on any day: the news is from the last hours, and the calendar's events recur daily
// at local wall-clock times (floating, so read_calendar places them in whatever zone it is asked).

export const DEMO_FEED_TITLE = "Baton demo news";

const STORIES = [
  { hoursAgo: 1, title: "Harbour bridge reopens after overnight repairs", summary: "Both lanes are open again; the morning ferry timetable is back to normal." },
  { hoursAgo: 3, title: "City council approves the new bike lanes on Main Street", summary: "Construction starts next month and takes about six weeks." },
  { hoursAgo: 5, title: "Local bakery wins regional sourdough prize", summary: "The winning loaf will be on sale from Friday." },
  { hoursAgo: 9, title: "Weather: dry and mild, rain from the evening", summary: "Highs around 14 °C; take an umbrella for the way home." },
  { hoursAgo: 30, title: "Library extends its opening hours", summary: "Open until 21:00 on weekdays from next week." },
] as const;

export const DEMO_EVENTS = [
  { start: "090000", end: "091500", title: "Team stand-up", location: "Video call" },
  { start: "113000", end: "123000", title: "Design review: checkout flow", location: "Room 2.14" },
  { start: "150000", end: "153000", title: "Call with Dana (supplier)", location: "Phone" },
] as const;

export const DEMO_METRICS = [
  { metric: "Sign-ups", thisWeek: 412, lastWeek: 380 },
  { metric: "Active users", thisWeek: 2_940, lastWeek: 2_875 },
  { metric: "Support tickets", thisWeek: 63, lastWeek: 81 },
  { metric: "Revenue (EUR)", thisWeek: 18_420, lastWeek: 17_100 },
  { metric: "Churned accounts", thisWeek: 9, lastWeek: 6 },
] as const;

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** RSS 2.0, items dated back from the last full hour before `now`. */
export function demoFeed(origin: string, now: Date): string {
  const hour = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  const items = STORIES.map((story, index) =>
    [
      "    <item>",
      `      <title>${escapeXml(story.title)}</title>`,
      `      <link>${origin}/demo/feed.xml#story-${index + 1}</link>`,
      `      <guid isPermaLink="false">baton-demo-story-${index + 1}</guid>`,
      `      <pubDate>${new Date(hour - story.hoursAgo * 3_600_000).toUTCString()}</pubDate>`,
      `      <description>${escapeXml(story.summary)}</description>`,
      "    </item>",
    ].join("\n"),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0">',
    "  <channel>",
    `    <title>${DEMO_FEED_TITLE}</title>`,
    `    <link>${origin}/demo/feed.xml</link>`,
    "    <description>Made-up local news served by Baton for its demo.</description>",
    ...items,
    "  </channel>",
    "</rss>",
    "",
  ].join("\n");
}

/** iCalendar with three daily events at local (floating) times. */
export function demoCalendar(): string {
  const events = DEMO_EVENTS.flatMap((event, index) => [
    "BEGIN:VEVENT",
    `UID:baton-demo-event-${index + 1}`,
    "DTSTAMP:20260101T000000Z",
    `DTSTART:20260101T${event.start}`,
    `DTEND:20260101T${event.end}`,
    "RRULE:FREQ=DAILY",
    `SUMMARY:${event.title}`,
    `LOCATION:${event.location}`,
    "END:VEVENT",
  ]);
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Baton//Demo calendar//EN", "X-WR-CALNAME:Baton demo calendar", ...events, "END:VCALENDAR"];
  return `${lines.join("\r\n")}\r\n`;
}

/** The week's numbers as JSON, labelled with the ISO week of `now`. */
export function demoMetrics(now: Date): { source: string; week: string; metrics: { metric: string; thisWeek: number; lastWeek: number }[] } {
  return { source: "Baton demo metrics (made-up numbers)", week: isoWeek(now), metrics: DEMO_METRICS.map((row) => ({ ...row })) };
}

function isoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}
