import { withUser } from "@/lib/http/api-route";
import { changeFeed } from "@/lib/live/change-feed";
import { eventFrames, frame } from "@/lib/live/event-frames";

export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;
/** If the database is unreachable the page still hears "ready" (and refetches what it can). */
const FEED_READY_WAIT_MS = 3_000;

// GET /api/events - server-sent events of the user's task changes, from every process
export const GET = withUser(async ({ request, user }) => {
  const userId = user.id;
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const enqueue = (bytes: Uint8Array) => {
        try {
          controller.enqueue(bytes);
        } catch {
          cleanup();
        }
      };
      const write = (text: string) => enqueue(encoder.encode(text));
      write("retry: 2000\n\n");
      // The feed hands this stream only its user's changes (its query is scoped to them), a poll's
      // worth at a time: one chunk, framed once for all of the user's streams.
      const feed = changeFeed();
      const unsubscribe = feed.subscribe(userId, (batch) => enqueue(eventFrames(batch)));
      const heartbeat = setInterval(() => write(": keepalive\n\n"), HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      request.signal.addEventListener("abort", () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      });
      // "ready" makes the page refetch; sent once the feed holds a position, so a change landing
      // between that refetch and the feed's first look is not lost.
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([feed.ready(), new Promise<void>((resolve) => (waited = setTimeout(resolve, FEED_READY_WAIT_MS)))]);
      clearTimeout(waited);
      if (!request.signal.aborted) write(frame("ready", {}));
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
});
