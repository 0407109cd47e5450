// Polls due feed and calendar triggers, one task per new item or upcoming meeting however many
// workers tick at once: a worker claims a due trigger by moving its next poll forward (FOR UPDATE
// SKIP LOCKED, so two workers never take the same one), fetches outside any transaction, then
// decides every event under the trigger's lock, where (trigger, event key) is unique on the row
// that claims it. A worker that dies mid-poll leaves the trigger to be polled at its next time;
// events already claimed stay claimed.
import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import type { Trigger } from "@/lib/generated/prisma/client";
import { hostOf } from "@/lib/tools/feeds/fetch-text";
import { parseFeed, type FeedItem } from "@/lib/tools/feeds/parse-feed";
import { decodeXml } from "@/lib/tools/feeds/xml-encoding";
import { decodeText } from "@/lib/tools/http/response-body";
import { eventPreview } from "./event-prompt";
import type { FetchFeed } from "./fetch-feed";
import { lockTrigger, recordTriggerEvent, type IncomingEvent } from "./record-trigger-event";
import { occurrenceKey, upcomingOccurrences } from "./upcoming-events";

const TRIGGERS_PER_TICK = 10;

type PollDeps = { db: Db; engine: TaskDispatcher; fetchFeed: FetchFeed };

export interface PollSummary {
  polled: number;
  created: number;
}

export async function pollDueTriggers(deps: PollDeps, now = new Date()): Promise<PollSummary> {
  const claimed = await deps.db.$queryRaw<{ id: string }[]>`
    UPDATE triggers SET next_poll_at = ${now}::timestamp + make_interval(secs => poll_interval_seconds)
    WHERE id IN (
      SELECT id FROM triggers WHERE kind IN ('feed', 'calendar') AND next_poll_at <= ${now}
      ORDER BY next_poll_at LIMIT ${TRIGGERS_PER_TICK} FOR UPDATE SKIP LOCKED)
    RETURNING id`;
  let created = 0;
  for (const { id } of claimed) {
    created += await pollTrigger(deps, id, now);
  }
  return { polled: claimed.length, created };
}

/** What one poll found: the events to decide and the validators to keep, or nothing new. */
type Found = { events: IncomingEvent[]; validators: { etag: string | null; lastModified: string | null } } | "not-modified";

async function pollTrigger(deps: PollDeps, triggerId: string, now: Date): Promise<number> {
  const trigger = await deps.db.trigger.findUnique({ where: { id: triggerId } });
  const url = trigger?.kind === "calendar" ? trigger.calendarUrl : trigger?.feedUrl;
  if (!trigger || !url) return 0;
  let found: Found;
  try {
    found = trigger.kind === "calendar" ? await calendarEvents(deps.fetchFeed, trigger, url, now) : await feedEvents(deps.fetchFeed, trigger, url);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await deps.db.trigger.update({ where: { id: trigger.id }, data: { lastPolledAt: now, lastPollError: `Could not read the ${trigger.kind} at ${hostOf(url)}: ${reason}`.slice(0, 500) } });
    return 0;
  }
  if (found === "not-modified") {
    await deps.db.trigger.update({ where: { id: trigger.id }, data: { notModifiedCount: { increment: 1 }, lastPolledAt: now, lastPollError: null } });
    return 0;
  }
  const { events, validators } = found;

  const results = await deps.db.$transaction(
    async (tx) => {
      const locked = await lockTrigger(tx, trigger.id);
      // Edited while it was being read: the next poll reads the new source.
      if (!locked || (locked.kind === "calendar" ? locked.calendarUrl : locked.feedUrl) !== url) return [];
      const outcomes = [];
      for (const event of events) outcomes.push(await recordTriggerEvent(tx, locked, event, now));
      // An item dropped by the rate limit is read again next time: keep no validators that would hide it.
      const dropped = outcomes.some((outcome) => outcome.outcome === "rate_limited");
      await tx.trigger.update({
        where: { id: trigger.id },
        data: { feedPrimed: true, lastPolledAt: now, lastPollError: null, ...(dropped ? { etag: null, lastModified: null } : validators) },
      });
      return outcomes;
    },
    { timeout: 30_000 },
  );
  for (const result of results) {
    if (result.runId) await deps.engine.startRun(result.runId).catch(() => undefined); // the worker's sweep starts it otherwise
  }
  return results.filter((result) => result.outcome === "created").length;
}

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
  return { events, validators: { etag: answer.etag, lastModified: answer.lastModified } };
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
  return { events, validators: { etag: null, lastModified: null } };
}
