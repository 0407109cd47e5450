import { withUser } from "@/lib/http/api-route";
import { changeFeed } from "@/lib/live/change-feed";

export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;

// GET /api/events - server-sent events of the user's task changes, from every process
export const GET = withUser(async ({ request, user }) => {
  const userId = user.id;
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      write("retry: 2000\n\n");
      send("ready", {});
      const unsubscribe = changeFeed().subscribe((message) => {
        if (message.kind === "resync") return send("resync", {});
        if (message.userId !== userId) return;
        const { userId: _owner, ...change } = message;
        send(message.kind, change);
      });
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
