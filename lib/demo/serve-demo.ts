// The demo sources Baton serves itself, public and read-only: a news feed, a calendar, a metrics
// endpoint, and a sink that accepts a POST or DELETE and answers with a receipt. The sink keeps
// nothing, forwards nothing and echoes nothing back (only a byte count), so it cannot become a
// way to reach or store anything else.
import { randomUUID } from "node:crypto";
import { demoCalendar, demoFeed, demoMetrics } from "./demo-content";

const MAX_SINK_BYTES = 64 * 1024;
const NO_STORE = { "cache-control": "no-store", "x-content-type-options": "nosniff" };

export interface DemoReceipt {
  id: string;
  bytesReceived: number;
  receivedAt: string;
  note: string;
}

/** Answers a request for /demo/<path>; `origin` is where the request came in, for the feed's links. */
export async function serveDemo(request: Request, path: string, origin: string, now = new Date()): Promise<Response> {
  if (request.method === "GET" || request.method === "HEAD") {
    if (path === "feed.xml") return text(demoFeed(origin, now), "application/rss+xml; charset=utf-8");
    if (path === "calendar.ics") return text(demoCalendar(), "text/calendar; charset=utf-8");
    if (path === "metrics.json") return Response.json(demoMetrics(now), { headers: NO_STORE });
  }
  const sink = /^sink(?:\/([\w-]{1,64}))?$/.exec(path);
  if (sink && (request.method === "POST" || (request.method === "DELETE" && sink[1]))) {
    const bytes = await countBody(request);
    if (bytes === null) return problem(413, `The demo sink accepts at most ${MAX_SINK_BYTES / 1024} KiB.`);
    const receipt: DemoReceipt = {
      id: `rcpt_${randomUUID().replace(/-/g, "").slice(0, 12)}`,
      bytesReceived: bytes,
      receivedAt: now.toISOString(),
      note: request.method === "DELETE" ? `Demo sink: "${sink[1]}" marked deleted; nothing real was removed.` : "Demo sink: received; nothing was delivered anywhere.",
    };
    return Response.json({ receipt }, { status: request.method === "POST" ? 201 : 200, headers: NO_STORE });
  }
  if (sink) return problem(405, "The demo sink accepts POST /demo/sink and DELETE /demo/sink/<id>.", { allow: "POST, DELETE" });
  return problem(404, "No such demo source. There are /demo/feed.xml, /demo/calendar.ics, /demo/metrics.json and /demo/sink.");
}

function text(body: string, contentType: string): Response {
  return new Response(body, { headers: { "content-type": contentType, ...NO_STORE } });
}

function problem(status: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { message } }, { status, headers: { ...NO_STORE, ...headers } });
}

/** The body's size, read without keeping it; null past the cap. */
async function countBody(request: Request): Promise<number | null> {
  if (!request.body) return 0;
  const reader = request.body.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
    if (bytes > MAX_SINK_BYTES) {
      await reader.cancel();
      return null;
    }
  }
}
