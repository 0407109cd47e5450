// Polls due feed, calendar and mail triggers, one task per new item, upcoming meeting or new mail however many
// workers tick at once: a worker claims a due trigger by moving its next poll forward (FOR UPDATE
// SKIP LOCKED, so two workers never take the same one), fetches outside any transaction, then
// decides every event under the trigger's lock, where (trigger, event key) is unique on the row
// that claims it. A worker that dies mid-poll leaves the trigger to be polled at its next time;
// events already claimed stay claimed.
import { directSql, type Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { Prisma, type Trigger } from "@/lib/generated/prisma/client";
import type { MailboxConnection } from "@/lib/mail/mailbox-connection";
import { hostOf } from "@/lib/tools/feeds/fetch-text";
import { parseFeed, type FeedItem } from "@/lib/tools/feeds/parse-feed";
import { decodeXml } from "@/lib/tools/feeds/xml-encoding";
import { decodeText } from "@/lib/tools/http/response-body";
import { eventPreview } from "./event-prompt";
import type { FetchFeed } from "./fetch-feed";
import { mailEvents } from "./mail-events";
import { lockTrigger, recordTriggerEvent, type EventResult, type IncomingEvent } from "./record-trigger-event";
import { occurrenceKey, upcomingOccurrences } from "./upcoming-events";

const TRIGGERS_PER_TICK = 10;

export type PollDeps = {
  db: Db;
  engine: TaskDispatcher;
  fetchFeed: FetchFeed;
  /** A mail trigger's mailbox; by default the owner's connected one (lib/mail/mailbox-connection.ts). */
  mailbox?: (userId: string) => Promise<MailboxConnection | null>;
};

export interface PollSummary {
  polled: number;
  created: number;
}

export async function pollDueTriggers(deps: PollDeps, now = new Date()): Promise<PollSummary> {
  // Every worker claims every second, nearly always nothing: on the driver (lib/db.ts says why).
  const claimed = await directSql(deps.db).query<{ id: string }>(Prisma.sql`
    UPDATE triggers SET next_poll_at = ${now}::timestamp + make_interval(secs => poll_interval_seconds)
    WHERE id IN (
      SELECT id FROM triggers WHERE kind IN ('feed', 'calendar', 'mail') AND next_poll_at <= ${now}
      ORDER BY next_poll_at LIMIT ${TRIGGERS_PER_TICK} FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id`);
  let created = 0;
  for (const { id } of claimed) {
    created += await pollTrigger(deps, id, now);
  }
  return { polled: claimed.length, created };
}

/**
 * What one poll found: the events to decide and what to remember on the trigger once they are
 * decided (the feed's validators, the mailbox's cursor), or nothing new.
 */
export type Found = { events: IncomingEvent[]; remember: (locked: Trigger, outcomes: EventResult[]) => Prisma.TriggerUpdateInput } | "not-modified";

/** Where a polled trigger reads from; the poll's events are dropped when it changed meanwhile. */
function sourceOf(trigger: Trigger): string | null {
  if (trigger.kind === "calendar") return trigger.calendarUrl;
  if (trigger.kind === "mail") return trigger.mailFolder;
  return trigger.feedUrl;
}

async function pollTrigger(deps: PollDeps, triggerId: string, now: Date): Promise<number> {
  const trigger = await deps.db.trigger.findUnique({ where: { id: triggerId } });
  const source = trigger ? sourceOf(trigger) : null;
  if (!trigger || !source) return 0;
  let found: Found;
  try {
    if (trigger.kind === "mail") found = await mailEvents(deps, trigger, source, now);
    else found = trigger.kind === "calendar" ? await calendarEvents(deps.fetchFeed, trigger, source, now) : await feedEvents(deps.fetchFeed, trigger, source);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const what = trigger.kind === "mail" ? `the folder ${source}` : `the ${trigger.kind} at ${hostOf(source)}`;
    await deps.db.trigger.update({ where: { id: trigger.id }, data: { lastPolledAt: now, lastPollError: `Could not read ${what}: ${reason}`.slice(0, 500) } });
    return 0;
  }
  if (found === "not-modified") {
    await deps.db.trigger.update({ where: { id: trigger.id }, data: { notModifiedCount: { increment: 1 }, lastPolledAt: now, lastPollError: null } });
    return 0;
  }
  const { events, remember } = found;

  const results = await deps.db.$transaction(
    async (tx) => {
      const locked = await lockTrigger(tx, trigger.id);
      // Edited (or re-baselined) while it was being read: the next poll reads the new source.
      if (!locked || sourceOf(locked) !== source || locked.mailUidValidity !== trigger.mailUidValidity) return [];
      const outcomes = [];
      for (const event of events) outcomes.push(await recordTriggerEvent(tx, locked, event, now));
      await tx.trigger.update({ where: { id: trigger.id }, data: { feedPrimed: true, lastPolledAt: now, lastPollError: null, ...remember(locked, outcomes) } });
      return outcomes;
    },
    { timeout: 30_000 },
  );
  for (const result of results) {
    if (result.runId) await deps.engine.startRun(result.runId).catch(() => undefined); // the worker's sweep starts it otherwise
  }
  return results.filter((result) => result.outcome === "created").length;
}

/** An item dropped by the rate limit is read again next time: keep no validators that would hide it. */
const feedValidators = (validators: { etag: string | null; lastModified: string | null }) => (_locked: Trigger, outcomes: EventResult[]) =>
  outcomes.some((outcome) => outcome.outcome === "rate_limited") ? { etag: null, lastModified: null } : validators;

/** A feed's items, oldest first; on the first poll they are only remembered. Unchanged: a 304. */
async function feedEvents(fetchFeed: FetchFeed, trigger: Trigger, url: string): Promise<Found> {
  const answer = await fetchFeed(url, { etag: trigger.etag, lastModified: trigger.lastModified });
  if (answer.status === "not-modified") return "not-modified";
  const feed = parseFeed(decodeXml(answer.bytes, answer.contentType), url, answer.contentType);
  const source = `a new item in the feed at ${hostOf(url)}`;
  // Feeds list the newest first, and tasks should start in the order items came.
  const events = [...feed.items].reverse().map((item: FeedItem) => ({
    key: `item:${item.id}`.slice(0, 500),
    preview: eventPreview(item.title || item.link || item.id),
    data: { source, content: JSON.stringify({ feed: feed.title, title: item.title, link: item.link, published: item.published, summary: item.summary }, null, 2) },
    seenOnly: !trigger.feedPrimed,
    polled: true,
  }));
  return { events, remember: feedValidators({ etag: answer.etag, lastModified: answer.lastModified }) };
}

/**
 * A calendar's meetings starting within the lead time. Fetched whole every time: an unchanged
 * calendar still has new meetings coming into the window as time passes.
 */
async function calendarEvents(fetchFeed: FetchFeed, trigger: Trigger, url: string, now: Date): Promise<Found> {
  const answer = await fetchFeed(url.replace(/^webcal:/i, "https:"), { etag: null, lastModified: null });
  if (answer.status === "not-modified") return "not-modified";
  const text = decodeText(Buffer.from(answer.bytes), answer.contentType ?? undefined);
  const occurrences = await upcomingOccurrences(text, { now, leadMinutes: trigger.leadMinutes });
  const source = `a meeting in the calendar at ${hostOf(url)} starting within ${trigger.leadMinutes} minutes`;
  const events = occurrences.map((event) => ({
    key: occurrenceKey(event),
    preview: eventPreview(`${event.start.slice(0, 16).replace("T", " ")} UTC · ${event.summary}`),
    data: { source, content: JSON.stringify(event, null, 2) },
    polled: true,
  }));
  return { events, remember: feedValidators({ etag: null, lastModified: null }) };
}
