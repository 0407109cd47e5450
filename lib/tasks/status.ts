// The task state machine. Every status change goes through transitionTask, which consults this
// table; anything not listed here is refused rather than silently overwritten.
import type { TaskStatus } from "@/lib/generated/prisma/enums";

export type { TaskStatus };

export const TASK_STATUSES = ["queued", "running", "waiting_approval", "completed", "failed", "canceled"] as const satisfies readonly TaskStatus[];

const allowedNext: Record<TaskStatus, readonly TaskStatus[]> = {
  queued: ["running", "failed", "canceled"],
  running: ["waiting_approval", "completed", "failed", "canceled"],
  waiting_approval: ["running", "failed", "canceled"],
  // A follow-up to finished work, or a retry, is a new run of the same task: back to the queue.
  completed: ["queued"],
  failed: ["queued"],
  canceled: ["queued"],
};

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return allowedNext[from].includes(to);
}

/** The statuses a task may be in for a move to `to` to be legal. */
export function statusesLeadingTo(to: TaskStatus): TaskStatus[] {
  return TASK_STATUSES.filter((from) => canTransition(from, to));
}

export const TERMINAL_STATUSES = ["completed", "failed", "canceled"] as const satisfies readonly TaskStatus[];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export function isTerminal(status: TaskStatus): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly TaskStatus[]).includes(status);
}

export const STATUS_LABELS: Record<TaskStatus, string> = {
  queued: "Queued",
  running: "Running",
  waiting_approval: "Needs approval",
  completed: "Completed",
  failed: "Failed",
  canceled: "Canceled",
};
