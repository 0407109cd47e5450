// The shapes tasks take in API responses and pages: plain JSON, no internal fields.
import type { ApprovalView } from "@/lib/approvals/views";
import type { Artifact, Run, Task, TimelineEvent } from "@/lib/generated/prisma/client";

export interface TaskSummary {
  id: string;
  title: string;
  status: Task["status"];
  statusReason: string | null;
  provider: string;
  model: string;
  runAt: string | null;
  /** Queued and waiting for its start time. */
  scheduled: boolean;
  /** Made by a schedule (a run of it), not by a person. */
  fromSchedule: boolean;
  /** A sub-task: the task whose agent spawned it. */
  parentTaskId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A task as the inbox lists it: with the line shown under its title, if there is one. */
export interface TaskListItem extends TaskSummary {
  preview: string | null;
}

export interface TaskDetail extends TaskSummary {
  prompt: string;
  /** The only origins computer use may open for this task; empty when each call names its own. */
  browserOrigins: string[];
  /** The task that spawned this one as a sub-task (spawn_subtasks). */
  parent: { id: string; title: string } | null;
  /** The tasks this one's agent spawned, oldest first. */
  subtasks: TaskSummary[];
  runs: RunView[];
  events: EventView[];
  artifacts: ArtifactView[];
  approvals: ApprovalView[];
}

export interface RunView {
  id: string;
  number: number;
  status: Run["status"];
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** The first follow-up message this run read, when one started it or reached it. */
  followUp: string | null;
}

export interface EventView {
  id: string;
  runId: string | null;
  type: string;
  actor: string;
  message: string;
  /** A tool call's result as the agent got it (a preview, secrets redacted), e.g. a receipt. */
  result: string | null;
  /** A playbook step's or a computer-use turn's screenshot, served by the artifact route (to the task's owner only). */
  screenshot: { url: string; name: string } | null;
  createdAt: string;
}

export interface ArtifactView {
  id: string;
  runId: string;
  name: string;
  kind: string;
  mimeType: string;
  sizeBytes: number;
  createdAt: string;
  url: string;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The columns a summary is made from (the inbox's page selects only these). */
export type TaskSummaryRow = Pick<
  Task,
  "id" | "title" | "status" | "statusReason" | "provider" | "model" | "runAt" | "scheduleId" | "scheduledFor" | "parentTaskId" | "createdAt" | "updatedAt"
>;

export function toTaskSummary(task: TaskSummaryRow): TaskSummary {
  return {
    id: task.id,
    title: task.title,
    status: task.status,
    statusReason: task.statusReason,
    provider: task.provider,
    model: task.model,
    runAt: iso(task.runAt),
    scheduled: task.status === "queued" && task.runAt !== null && task.runAt.getTime() > Date.now(),
    // A deleted schedule leaves its runs' slots behind (scheduleId is set null, scheduledFor stays).
    fromSchedule: task.scheduleId !== null || task.scheduledFor !== null,
    parentTaskId: task.parentTaskId,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
  };
}

export function toRunView(run: Run, followUp: string | null): RunView {
  return {
    id: run.id,
    number: run.number,
    status: run.status,
    provider: run.provider,
    model: run.model,
    inputTokens: run.inputTokens,
    outputTokens: run.outputTokens,
    error: run.error,
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    followUp,
  };
}

/** How the result section names a run: "Run 1", "Run 2 · follow-up: shorter". */
export function runLabel(run: Pick<RunView, "number" | "followUp">): string {
  if (!run.followUp) return `Run ${run.number}`;
  const text = run.followUp.replace(/\s+/g, " ").trim();
  return `Run ${run.number} · follow-up: ${text.length > 60 ? `${text.slice(0, 59)}…` : text}`;
}

export function toEventView(event: TimelineEvent): EventView {
  return {
    id: event.id.toString(),
    runId: event.runId,
    type: event.type,
    actor: event.actor,
    message: event.message,
    result: resultOf(event),
    screenshot: screenshotOf(event),
    createdAt: event.createdAt.toISOString(),
  };
}

function screenshotOf(event: TimelineEvent): EventView["screenshot"] {
  if ((event.type !== "playbook.step" && event.type !== "computer.turn") || !event.data || typeof event.data !== "object" || Array.isArray(event.data)) return null;
  const screenshot = (event.data as Record<string, unknown>).screenshot as { artifactId?: unknown; name?: unknown } | undefined;
  if (typeof screenshot?.artifactId !== "string" || typeof screenshot.name !== "string") return null;
  return { url: `/api/tasks/${event.taskId}/artifacts/${screenshot.artifactId}`, name: screenshot.name };
}

function resultOf(event: TimelineEvent): string | null {
  if (event.type !== "tool.called" || !event.data || typeof event.data !== "object" || Array.isArray(event.data)) return null;
  const result = (event.data as Record<string, unknown>).result;
  return typeof result === "string" ? result : null;
}

export function toArtifactView(artifact: Omit<Artifact, "content">): ArtifactView {
  return {
    id: artifact.id,
    runId: artifact.runId,
    name: artifact.name,
    kind: artifact.kind,
    mimeType: artifact.mimeType,
    sizeBytes: artifact.sizeBytes,
    createdAt: artifact.createdAt.toISOString(),
    url: `/api/tasks/${artifact.taskId}/artifacts/${artifact.id}`,
  };
}
