// spawn_subtasks' input (the single source for validation and the JSON schema the model sees),
// its bounds, and the signal a sub-task's end sends to the run that waits for it.
import { z } from "zod";

export const SPAWN_SUBTASKS_TOOL = "spawn_subtasks";

/** The topic on which a waiting parent run is woken: a sub-task ended, or the parent was canceled. */
export const SUBTASKS_SIGNAL = "subtasks";

export interface SubtaskLimits {
  /** Sub-tasks one call may start (BATON_SUBTASKS_PER_CALL). */
  perCall: number;
  /** Deepest a sub-task may be: a person's task is 0, its sub-tasks 1 (BATON_SUBTASKS_MAX_DEPTH). */
  maxDepth: number;
}

export const DEFAULT_SUBTASK_LIMITS: SubtaskLimits = { perCall: 8, maxDepth: 2 };

export const spawnSubtasksInput = z.object({
  tasks: z
    .array(
      z.object({
        title: z.string().trim().min(1, "Give each sub-task a title.").max(200).describe("A short title the person sees in the list of sub-tasks."),
        prompt: z
          .string()
          .trim()
          .min(1, "Give each sub-task its instructions.")
          .max(20_000)
          .describe("Everything the sub-task needs: it does not see this conversation, only these instructions."),
      }),
    )
    // The per-call bound is checked by the tool, which says it as an "Error: ..." the model can act on.
    .min(1, "Name at least one sub-task.")
    .max(64)
    .describe("The independent parts of the work, each run in parallel as its own task."),
});

export type SpawnSubtasksInput = z.infer<typeof spawnSubtasksInput>;

/** What the parent gets back for one sub-task once all have ended. */
export interface SubtaskResult {
  taskId: string;
  title: string;
  status: "completed" | "failed" | "canceled";
  /** The sub-task's answer (cut to a length the parent's context can hold). */
  answer?: string;
  /** Why it failed or was canceled. */
  reason?: string;
}
