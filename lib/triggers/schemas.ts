// What a person sets on a trigger, for the API and the form alike.
import { z } from "zod";
import { PROMPT_MAX_CHARS } from "@/lib/tasks/schemas";
import { numberFromInput, titleSchema } from "@/lib/validation/input";

export const TRIGGER_KINDS = ["webhook", "feed", "calendar", "mail"] as const;

const emptyToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FIELD_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

const commonFields = {
  name: titleSchema("trigger"),
  prompt: z
    .string({ message: "Tell Baton what to do with each event." })
    .trim()
    .min(1, "Tell Baton what to do with each event.")
    .max(PROMPT_MAX_CHARS, `Keep the instructions under ${PROMPT_MAX_CHARS.toLocaleString("en-US")} characters.`),
  provider: z.preprocess(emptyToUndefined, z.string().max(40).optional()),
  model: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
  rateLimitPerMinute: z.preprocess(
    (value) => numberFromInput(emptyToUndefined(value)),
    z.number({ message: "Use a whole number." }).int("Use a whole number.").min(1, "Allow at least 1 a minute.").max(600, "At most 600 a minute.").default(30),
  ),
  /** Anything external or destructive its tasks do asks first, whatever the person's policy says. */
  askBeforeActing: z.preprocess((value) => (value === "on" || value === "true" ? true : value === "off" || value === "false" ? false : value), z.boolean().default(true)),
  /** Each task starts with a plan for the person to approve (lib/plans/plan-first.ts). */
  planFirst: z.boolean({ message: "Use true or false." }).default(false),
};

const webhookFields = z.object({
  kind: z.literal("webhook"),
  ...commonFields,
  dedupeHeader: z.preprocess(
    emptyToUndefined,
    z.string().trim().max(100).regex(HEADER_NAME, "Use a header name like X-Event-Id.").transform((name) => name.toLowerCase()).default("x-baton-event-id"),
  ),
  dedupeField: z.preprocess(emptyToUndefined, z.string().trim().max(200).regex(FIELD_PATH, 'Use a field path like "id" or "event.id".').optional()),
});

const pollIntervalSeconds = z.preprocess(
  (value) => numberFromInput(emptyToUndefined(value)),
  z.number({ message: "Use a whole number of seconds." }).int().min(60, "Poll at most once a minute.").max(86_400, "Poll at least once a day.").default(300),
);

const feedFields = z.object({
  kind: z.literal("feed"),
  ...commonFields,
  feedUrl: z.url({ protocol: /^https?$/, message: "Use the feed's http(s) URL." }).max(2000),
  pollIntervalSeconds,
});

const calendarFields = z.object({
  kind: z.literal("calendar"),
  ...commonFields,
  calendarUrl: z.url({ protocol: /^(https?|webcal)$/, message: "Use the calendar's http(s) or webcal URL (.ics)." }).max(2000),
  leadMinutes: z.preprocess(
    (value) => numberFromInput(emptyToUndefined(value)),
    z.number({ message: "Use a whole number of minutes." }).int().min(5, "At least 5 minutes ahead.").max(1440, "At most a day ahead.").default(30),
  ),
  pollIntervalSeconds,
});

const contains = (what: string) => z.preprocess(emptyToUndefined, z.string().trim().max(200, `Keep the ${what} filter under 200 characters.`).optional());

const mailFields = z.object({
  kind: z.literal("mail"),
  ...commonFields,
  mailFolder: z.preprocess(emptyToUndefined, z.string().trim().min(1).max(300, "Use the folder's name, e.g. INBOX or Clients/Acme.").default("INBOX")),
  /** The sender's name or address contains this. */
  mailFrom: contains("sender"),
  mailSubject: contains("subject"),
  mailUnreadOnly: z.preprocess((value) => (value === "on" || value === "true" ? true : value === "off" || value === "false" || value === undefined ? false : value), z.boolean({ message: "Use true or false." })),
  pollIntervalSeconds,
});

export const triggerInput = z.discriminatedUnion("kind", [webhookFields, feedFields, calendarFields, mailFields], { message: "Choose webhook, feed, calendar or mail." });
export type TriggerInput = z.infer<typeof triggerInput>;

export const pauseTriggerInput = z.object({ paused: z.boolean({ message: "Use true or false." }) });
