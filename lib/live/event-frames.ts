// The text/event-stream frames of a feed batch. Every open stream of a user is handed the same
// batch, so it is framed and encoded once, however many tabs and devices the user has open: with
// hundreds of streams, per-stream JSON and UTF-8 work per change was most of the fan-out's cost.
import type { FeedMessage } from "./change-feed";

const framed = new WeakMap<readonly FeedMessage[], Uint8Array>();
const encoder = new TextEncoder();

/** `event: <kind>` frames for a batch, in order; the owner is routing, not something a page needs. */
export function eventFrames(batch: readonly FeedMessage[]): Uint8Array {
  let bytes = framed.get(batch);
  if (!bytes) {
    bytes = encoder.encode(batch.map((message) => frame(message.kind, message.kind === "resync" ? {} : withoutOwner(message))).join(""));
    framed.set(batch, bytes);
  }
  return bytes;
}

export function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function withoutOwner(message: Exclude<FeedMessage, { kind: "resync" }>): Omit<typeof message, "userId"> {
  const { userId: _owner, ...change } = message;
  return change;
}
