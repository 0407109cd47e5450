// The browser's end of /api/events: one EventSource per page, shared by every component that
// listens, opened with the first listener and closed with the last. Task changes are recorded in
// the patch store before listeners hear of them, so whatever shows a task is current at once.
import { liveChangeSchema, type LiveChange } from "./changes";
import { applyTaskChange } from "./task-patches";

export type Connection = "connecting" | "live" | "reconnecting";
/**
 * "ready": the stream (re)connected; anything may have changed while it was down or before the
 * page connected. "resync": the server's feed reconnected and may have missed changes.
 */
export type LiveMessage = LiveChange | { kind: "ready" } | { kind: "resync" };

const listeners = new Set<(message: LiveMessage) => void>();
const connectionListeners = new Set<() => void>();
let source: EventSource | null = null;
let connection: Connection = "connecting";

function setConnection(next: Connection): void {
  connection = next;
  for (const listener of connectionListeners) listener();
}

function broadcast(message: LiveMessage): void {
  for (const listener of listeners) listener(message);
}

function open(): void {
  if (source) return;
  source = new EventSource("/api/events");
  const onChange = (event: MessageEvent<string>) => {
    const parsed = liveChangeSchema.safeParse({ kind: event.type, ...(JSON.parse(event.data) as object) });
    if (!parsed.success) return;
    if (parsed.data.kind === "task") applyTaskChange(parsed.data);
    broadcast(parsed.data);
  };
  for (const kind of ["task", "event", "pairing"] as const) source.addEventListener(kind, onChange);
  source.addEventListener("ready", () => {
    setConnection("live");
    broadcast({ kind: "ready" });
  });
  source.addEventListener("resync", () => broadcast({ kind: "resync" }));
  source.onerror = () => setConnection("reconnecting");
}

export function subscribeLive(listener: (message: LiveMessage) => void): () => void {
  listeners.add(listener);
  open();
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0 || !source) return;
    source.close();
    source = null;
    setConnection("connecting");
  };
}

export function subscribeConnection(listener: () => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

export const currentConnection = () => connection;
export const serverConnection = (): Connection => "connecting";
