// read_calendar: the events of an iCalendar feed or file within a window, recurrences expanded,
// times in the time zone the model asks for.
import { z } from "zod";
import { fetchOrThrow, hostOf, type FetchText } from "../feeds/fetch-text";
import { ToolError, type ToolContext, type ToolDefinition } from "../types";
import { readTextFile, resolveExisting, workspacePathSchema } from "../workspace/workspace";
import { DEFAULT_TIME_LIMIT_MS, expandCalendar } from "./expand-calendar";
import { MAX_STEPS_PER_SERIES } from "./expand-series";
import { canonicalTimeZone, isIsoDateTime, parseIsoInZone } from "./zoned-time";

const MAX_RANGE_DAYS = 366;
const MAX_CALENDAR_BYTES = 10 * 1024 * 1024;
const MAX_EVENTS = 500;

const isoDateTime = z
  .string()
  .refine(isIsoDateTime, { message: 'Use an ISO date or date-time, e.g. "2026-03-01" or "2026-03-01T09:00:00Z".' });

const input = z
  .object({
    url: z
      .url({ protocol: /^(https?|webcal)$/ })
      .optional()
      .describe("An http(s) or webcal URL of an .ics calendar. Give either url or file."),
    file: workspacePathSchema.optional().describe("An .ics file in the task workspace. Give either url or file."),
    from: isoDateTime.describe(
      "Start of the window: an ISO date or date-time. Without an offset it is read in `timezone`.",
    ),
    to: isoDateTime.describe("End of the window (exclusive), at most 366 days after `from`."),
    timezone: z
      .string()
      .default("UTC")
      .describe('IANA time zone for reading `from`/`to`, all-day and floating events, and the output, e.g. "Europe/Berlin".'),
  })
  .superRefine((value, ctx) => {
    if ((value.url === undefined) === (value.file === undefined)) {
      ctx.addIssue({ code: "custom", message: "Give exactly one of url or file.", path: ["url"] });
    }
    const timeZone = canonicalTimeZone(value.timezone);
    if (!timeZone) {
      ctx.addIssue({
        code: "custom",
        message: `Unknown time zone "${value.timezone}"; use an IANA name such as "Europe/Berlin" or "UTC".`,
        path: ["timezone"],
      });
      return;
    }
    const from = parseIsoInZone(value.from, timeZone);
    const to = parseIsoInZone(value.to, timeZone);
    if (from === null || to === null) return; // the field checks already reported it
    if (to <= from) ctx.addIssue({ code: "custom", message: "`to` must be after `from`.", path: ["to"] });
    else if (to - from > MAX_RANGE_DAYS * 86_400_000) {
      ctx.addIssue({ code: "custom", message: `The window may span at most ${MAX_RANGE_DAYS} days.`, path: ["to"] });
    }
  });

export type ReadCalendarInput = z.infer<typeof input>;

async function loadCalendar(
  { url, file }: ReadCalendarInput,
  fetchText: FetchText,
  context: ToolContext,
): Promise<string> {
  if (url !== undefined) {
    const { text } = await fetchOrThrow(fetchText, url.replace(/^webcal:/i, "https:"), context);
    return text;
  }
  if (file === undefined) throw new ToolError("Give exactly one of url or file.");
  const calendar = await readTextFile(await resolveExisting(context, file), MAX_CALENDAR_BYTES);
  if (calendar.truncated) throw new ToolError(`"${file}" is larger than ${MAX_CALENDAR_BYTES} bytes.`);
  return calendar.text;
}

export function createReadCalendarTool({ fetchText }: { fetchText: FetchText }): ToolDefinition<typeof input> {
  return {
    name: "read_calendar",
    description:
      "Read the events of an iCalendar (.ics) calendar, from a URL or a workspace file, that overlap a window of up " +
      "to 366 days. Recurring events are expanded (with their exceptions and moved occurrences); start and end are " +
      `ISO date-times with the offset of the requested time zone, sorted by start; at most ${MAX_EVENTS} events. ` +
      "Events or lines that cannot be read are left out and listed in `problems` (which event, why); `notes` says how " +
      "zone names were read (Windows names map to IANA zones). Reading is bounded: a recurrence rule is followed for " +
      `at most ${MAX_STEPS_PER_SERIES} steps and the whole calendar for ${DEFAULT_TIME_LIMIT_MS / 1000} s of work, ` +
      "after which the result is marked truncated.",
    input,
    risk: () => "read",
    target: ({ url, file }) => url ?? file ?? "",
    reaches: ({ url }) => url,
    idempotent: () => true,
    async run(args, context) {
      // The schema checked all of this; repeated so a call that skipped it fails clearly.
      const timeZone = canonicalTimeZone(args.timezone);
      if (!timeZone) throw new ToolError(`Unknown time zone "${args.timezone}".`);
      const from = parseIsoInZone(args.from, timeZone);
      const to = parseIsoInZone(args.to, timeZone);
      if (from === null || to === null || to <= from) throw new ToolError("Give a window with `to` after `from`.");

      const text = await loadCalendar(args, fetchText, context);
      const result = await expandCalendar(text, { from, to, timeZone, maxEvents: MAX_EVENTS });
      const source = args.url !== undefined ? hostOf(args.url) : args.file;
      return {
        output: {
          calendar: result.calendarName,
          timezone: timeZone,
          events: result.events,
          ...(result.truncated ? { truncated: true } : {}),
          ...(result.unreadable > 0 ? { unreadableEvents: result.unreadable } : {}),
          ...(result.problems.length > 0 ? { problems: result.problems } : {}),
          ...(result.notes.length > 0 ? { notes: result.notes } : {}),
        },
        summary: `Read ${result.events.length} event${result.events.length === 1 ? "" : "s"} from ${source}${
          result.truncated ? " (truncated)" : ""
        }${result.problems.length > 0 ? `, ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}` : ""}`,
      };
    },
  };
}
