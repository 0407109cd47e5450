// The demo sources Baton serves under /demo/: what each answers, and that the sink only counts.
import { describe, expect, it } from "vitest";
import { serveDemo } from "@/lib/demo/serve-demo";
import { parseFeed } from "@/lib/tools/feeds/parse-feed";
import { expandCalendar } from "@/lib/tools/calendar/expand-calendar";

const ORIGIN = "http://127.0.0.1:3000";
const NOW = new Date("2026-07-15T05:10:00Z");
const serve = (path: string, init: RequestInit = {}) => serveDemo(new Request(`${ORIGIN}/demo/${path}`, init), path, ORIGIN, NOW);

describe("demo sources", () => {
  it("a feed whose stories are from the last hours, on any day", async () => {
    const response = await serve("feed.xml");
    expect(response.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    const feed = parseFeed(await response.text(), `${ORIGIN}/demo/feed.xml`, response.headers.get("content-type"));
    expect(feed.items[0]).toMatchObject({ title: "Harbour bridge reopens after overnight repairs", published: "2026-07-15T04:00:00.000Z" });
  });

  it("a calendar with three events on whatever day and zone it is read for", async () => {
    const text = await (await serve("calendar.ics")).text();
    const day = await expandCalendar(text, { from: Date.parse("2031-02-03T00:00:00+09:00"), to: Date.parse("2031-02-04T00:00:00+09:00"), timeZone: "Asia/Tokyo" });
    expect(day.events.map((event) => [event.start, event.summary])).toEqual([
      ["2031-02-03T09:00:00+09:00", "Team stand-up"],
      ["2031-02-03T11:30:00+09:00", "Design review: checkout flow"],
      ["2031-02-03T15:00:00+09:00", "Call with Dana (supplier)"],
    ]);
  });

  it("metrics as JSON for the ISO week", async () => {
    const body = (await (await serve("metrics.json")).json()) as { week: string; metrics: unknown[] };
    expect(body.week).toBe("2026-W29");
    expect(body.metrics).toHaveLength(5);
  });

  it("the sink answers a POST or DELETE with a receipt that counts the bytes and echoes none of them", async () => {
    const posted = await serve("sink", { method: "POST", body: "<script>hi</script>" });
    expect(posted.status).toBe(201);
    const { receipt } = (await posted.json()) as { receipt: Record<string, unknown> };
    expect(receipt).toEqual({ id: expect.stringMatching(/^rcpt_[0-9a-f]{12}$/), bytesReceived: 19, receivedAt: NOW.toISOString(), note: expect.any(String) });
    expect(JSON.stringify(receipt)).not.toContain("script");
    const deleted = await serve("sink/note-1", { method: "DELETE" });
    expect(deleted.status).toBe(200);
  });

  it("refuses what it does not serve, with a message", async () => {
    expect((await serve("sink", { method: "POST", body: "x".repeat(64 * 1024 + 1) })).status).toBe(413);
    expect((await serve("sink")).status).toBe(405);
    expect((await serve("sink", { method: "DELETE" })).status).toBe(405);
    expect((await serve("feed.xml", { method: "POST", body: "x" })).status).toBe(404);
    const unknown = await serve("secrets.json");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain("/demo/feed.xml");
  });
});
