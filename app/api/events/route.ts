import { withUser } from "@/lib/http/api-route";
import { changeFeed, type FeedMessage } from "@/lib/live/change-feed";

export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;

const encoder = new TextEncoder();
// Every open stream of this process hears the same message object: it is framed and encoded once,
// not once per stream (with 500 streams open, that was most of the web process's CPU per change).
const framed = new WeakMap<object, Uint8Array>();

function frame(event: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function framedOnce(message: FeedMessage): Uint8Array {
  let bytes = framed.get(message);
  if (!bytes) {
    if (message.kind === "resync") bytes = frame("resync", {});
    else {
      const { userId: _owner, ...change } = message;
      bytes = frame(message.kind, change);
    }
    framed.set(message, bytes);
  }
  return bytes;
}

// GET /api/events - server-sent events of the user's task changes, from every process
export const GET = withUser(async ({ request, user }) => {
  const userId = user.id;
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (bytes: Uint8Array) => {
        try {
          controller.enqueue(bytes);
        } catch {
          cleanup();
        }
      };
      write(encoder.encode("retry: 2000\n\n"));
      write(frame("ready", {}));
      const unsubscribe = changeFeed().subscribe((message) => {
        if (message.kind !== "resync" && message.userId !== userId) return;
        write(framedOnce(message));
      });
      const heartbeat = setInterval(() => write(encoder.encode(": keepalive\n\n")), HEARTBEAT_MS);
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
