// Polls due feed triggers, one task per new item however many workers tick at once: a worker
// claims a due trigger by moving its next poll forward (FOR UPDATE SKIP LOCKED, so two workers
// never take the same one), fetches outside any transaction, then decides every item under the
// trigger's lock, where (trigger, item id) is unique on the claiming row. A worker that dies
// mid-poll leaves the trigger to be polled again at its next time; items already claimed stay so.
import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import type { Trigger } from "@/lib/generated/prisma/client";
import { hostOf } from "@/lib/tools/feeds/fetch-text";
import { parseFeed, type FeedItem } from "@/lib/tools/feeds/parse-feed";
import { decodeXml } from "@/lib/tools/feeds/xml-encoding";
import { eventPreview } from "./event-prompt";
import type { FetchFeed } from "./fetch-feed";
import { lockTrigger, recordTriggerEvent } from "./record-trigger-event";

const TRIGGERS_PER_TICK = 10;

export interface FeedPollSummary {
  polled: number;
  created: number;
}

export async function pollDueFeedTriggers(deps: { db: Db; engine: TaskDispatcher; fetchFeed: FetchFeed }, now = new Date()): Promise<FeedPollSummary> {
  const claimed = await deps.db.$queryRaw<{ id: string }[]>`
    UPDATE triggers SET next_poll_at = ${now}::timestamp + make_interval(secs => poll_interval_seconds)
    WHERE id IN (
      SELECT id FROM triggers WHERE kind = 'feed' AND next_poll_at <= ${now}
      ORDER BY next_poll_at LIMIT ${TRIGGERS_PER_TICK} FOR UPDATE SKIP LOCKED)
    RETURNING id`;
  let created = 0;
  for (const { id } of claimed) {
    created += await pollFeedTrigger(deps, id, now);
  }
  return { polled: claimed.length, created };
}

async function pollFeedTrigger(deps: { db: Db; engine: TaskDispatcher; fetchFeed: FetchFeed }, triggerId: string, now: Date): Promise<number> {
  const trigger = await deps.db.trigger.findUnique({ where: { id: triggerId } });
  if (!trigger?.feedUrl) return 0;
  const url = trigger.feedUrl;
  let items: FeedItem[];
  let validators: { etag: string | null; lastModified: string | null };
  let feedTitle: string;
  try {
    const answer = await deps.fetchFeed(url, { etag: trigger.etag, lastModified: trigger.lastModified });
    if (answer.status === "not-modified") {
      await deps.db.trigger.update({ where: { id: trigger.id }, data: { notModifiedCount: { increment: 1 }, lastPolledAt: now, lastPollError: null } });
      return 0;
    }
    const feed = parseFeed(decodeXml(answer.bytes, answer.contentType), url, answer.contentType);
    // Oldest first: feeds list the newest first, and tasks should start in the order items came.
    items = [...feed.items].reverse();
    validators = { etag: answer.etag, lastModified: answer.lastModified };
    feedTitle = feed.title;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await deps.db.trigger.update({ where: { id: trigger.id }, data: { lastPolledAt: now, lastPollError: `Could not read the feed at ${hostOf(url)}: ${reason}`.slice(0, 500) } });
    return 0;
  }

  const results = await deps.db.$transaction(async (tx) => {
    const locked = await lockTrigger(tx, trigger.id);
    if (!locked || locked.feedUrl !== url) return [];
    const outcomes = [];
    for (const item of items) {
      outcomes.push(await recordTriggerEvent(tx, locked, feedEvent(locked, item, feedTitle), now));
    }
    // An item dropped by the rate limit is read again next time: keep no validators that would hide it.
    const dropped = outcomes.some((outcome) => outcome.outcome === "rate_limited");
    await tx.trigger.update({
      where: { id: trigger.id },
      data: { feedPrimed: true, lastPolledAt: now, lastPollError: null, ...(dropped ? { etag: null, lastModified: null } : validators) },
    });
    return outcomes;
  }, { timeout: 30_000 });
  for (const result of results) {
    if (result.runId) await deps.engine.startRun(result.runId).catch(() => undefined); // the worker's sweep starts it otherwise
  }
  return results.filter((result) => result.outcome === "created").length;
}

function feedEvent(trigger: Trigger, item: FeedItem, feedTitle: string) {
  const content = JSON.stringify({ feed: feedTitle, title: item.title, link: item.link, published: item.published, summary: item.summary }, null, 2);
  return {
    key: `item:${item.id}`.slice(0, 500),
    preview: eventPreview(item.title || item.link || item.id),
    data: { source: `a new item in the feed at ${hostOf(trigger.feedUrl ?? "")}`, content },
    seenOnly: !trigger.feedPrimed,
  };
}
