"use client";

import { useSyncExternalStore, type ReactNode } from "react";
import { TaskCard } from "@/components/task-card";
import { createdAtFromId, serverTaskPatches, subscribeTaskPatches, taskPatches, type TaskPatch } from "@/lib/live/task-patches";
import type { TaskStatus } from "@/lib/tasks/status";
import type { TaskListItem } from "@/lib/tasks/views";

interface LiveTaskListProps {
  /** Ids of the tasks the server rendered (children), newest first. */
  taskIds: string[];
  /** The inbox's status filter, if any. */
  status?: TaskStatus;
  /** Only the first page gains new tasks; an older page stays as it was rendered. */
  acceptsNew: boolean;
  /** Shown while there is no task at all. */
  empty: ReactNode;
  children: ReactNode;
}

/**
 * The inbox list: the server-rendered cards, and above them any task the live stream announced
 * that is newer than all of them (ids are UUIDv7, so they sort by creation), shown from the event
 * alone until the next server render brings its full card.
 */
export function LiveTaskList({ taskIds, status, acceptsNew, empty, children }: LiveTaskListProps) {
  const patches = useSyncExternalStore(subscribeTaskPatches, taskPatches, serverTaskPatches);
  const newest = taskIds[0];
  const fresh = acceptsNew
    ? [...patches.values()]
        .filter((patch) => (!newest || patch.taskId > newest) && !taskIds.includes(patch.taskId) && (!status || patch.status === status))
        .sort((a, b) => (a.taskId < b.taskId ? 1 : -1))
    : [];
  if (fresh.length === 0 && taskIds.length === 0) return empty;
  return (
    <ul className="space-y-3 lg:grid lg:grid-cols-2 lg:gap-3 lg:space-y-0" data-testid="task-list">
      {fresh.map((patch) => (
        <TaskCard key={patch.taskId} task={summaryOf(patch)} />
      ))}
      {children}
    </ul>
  );
}

/** A card from the change event alone; the next re-render fills in its preview and schedule mark. */
function summaryOf(patch: TaskPatch): TaskListItem {
  return {
    id: patch.taskId,
    title: patch.title,
    status: patch.status,
    statusReason: null,
    provider: "",
    model: "",
    runAt: null,
    scheduled: false,
    createdAt: createdAtFromId(patch.taskId) ?? patch.updatedAt,
    updatedAt: patch.updatedAt,
    fromSchedule: false,
    parentTaskId: null,
    preview: null,
  };
}
