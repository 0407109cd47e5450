// What the browser learned about tasks from the live stream, ahead of the server's next render.
// A page shows the newer of its own copy and the patch (by updatedAt), so a refresh that left
// before a change, and lands after it, cannot put an older status back on screen.
import type { TaskChange } from "./changes";

export type TaskPatch = Omit<TaskChange, "kind">;

let patches: ReadonlyMap<string, TaskPatch> = new Map();
const listeners = new Set<() => void>();

/** Records a change unless a newer one for the task is already known. */
export function applyTaskChange({ kind: _kind, ...patch }: TaskChange): void {
  const known = patches.get(patch.taskId);
  if (known && known.updatedAt > patch.updatedAt) return;
  patches = new Map(patches).set(patch.taskId, patch);
  for (const listener of listeners) listener();
}

export function subscribeTaskPatches(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Every patch so far; a new map after each change, so it can be a React store snapshot. */
export function taskPatches(): ReadonlyMap<string, TaskPatch> {
  return patches;
}

const noPatches: ReadonlyMap<string, TaskPatch> = new Map();
/** The server has no patches: it renders what it read. */
export const serverTaskPatches = () => noPatches;

/** The fresher of what the page was rendered with and what the stream said since. */
export function freshest<T extends { updatedAt: string }>(rendered: T, patch: TaskPatch | undefined): T | (T & TaskPatch) {
  return patch && patch.updatedAt >= rendered.updatedAt ? { ...rendered, ...patch } : rendered;
}

/** When a task was created, read from its id (UUIDv7 leads with a millisecond timestamp). */
export function createdAtFromId(id: string): string | null {
  const hex = id.replaceAll("-", "");
  if (!/^[0-9a-f]{32}$/i.test(hex) || hex[12] !== "7") return null;
  return new Date(Number.parseInt(hex.slice(0, 12), 16)).toISOString();
}
