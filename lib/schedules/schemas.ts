import { z } from "zod";
import { titleSchema } from "@/lib/validation/input";
import { PROMPT_MAX_CHARS } from "@/lib/tasks/schemas";
import { scheduleTimingInput } from "./schedule-time";
import { templateIdSchema } from "./templates";

export const MISSED_RUN_POLICIES = ["run_latest", "skip"] as const;

const scheduleFields = z
  .object({
    title: titleSchema("schedule"),
    prompt: z
      .string({ message: "Tell Baton what to do each time." })
      .trim()
      .min(1, "Tell Baton what to do each time.")
      .max(PROMPT_MAX_CHARS, `Keep the instructions under ${PROMPT_MAX_CHARS.toLocaleString("en-US")} characters.`),
    missedRunPolicy: z.enum(MISSED_RUN_POLICIES, { message: "Choose run_latest or skip." }).default("run_latest"),
    /** Each task starts with a plan for the person to approve (lib/plans/plan-first.ts). */
    planFirst: z.boolean({ message: "Use true or false." }).optional(),
    provider: z.string().max(40).optional(),
    model: z.string().max(200).optional(),
  })
  .and(scheduleTimingInput);

export const createScheduleInput = scheduleFields.and(z.object({ template: templateIdSchema.optional() }));
export type CreateScheduleInput = z.infer<typeof createScheduleInput>;

/** An edit replaces the editable fields; the template (and its risk defaults) stay. */
export const updateScheduleInput = scheduleFields;
export type UpdateScheduleInput = z.infer<typeof updateScheduleInput>;
