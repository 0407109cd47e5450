// Validation for task input, shared by the HTTP API and the new-task form.
import { z } from "zod";
import { browserOriginsInput } from "@/lib/computer-use/task-origins";
import { numberFromInput, titleSchema } from "@/lib/validation/input";
import { TASK_STATUSES } from "./status";

/** The longest instructions a task (or a schedule's tasks) may have; the forms count towards it. */
export const PROMPT_MAX_CHARS = 20_000;

const emptyToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);

export const createTaskInput = z.object({
  title: titleSchema("task"),
  prompt: z
    .string({ message: "Tell Baton what to do." })
    .trim()
    .min(1, "Tell Baton what to do.")
    .max(PROMPT_MAX_CHARS, `Keep the instructions under ${PROMPT_MAX_CHARS.toLocaleString("en-US")} characters.`),
  runAt: z.preprocess(
    emptyToUndefined,
    z.coerce
      .date({ message: "Use a date and time like 2026-12-01T07:00:00Z." })
      .refine((date) => date.getTime() > Date.now() - 60_000, "Pick a start time in the future.")
      .refine((date) => date.getTime() < Date.now() + 366 * 24 * 3600_000, "Pick a start time within the next year.")
      .optional(),
  ),
  budgetTokens: z.preprocess(
    (value) => numberFromInput(emptyToUndefined(value)),
    z.number({ message: "Use a whole number of tokens." }).int("Use a whole number of tokens.").min(100, "Allow at least 100 tokens.").max(100_000_000).optional(),
  ),
  budgetUsd: z.preprocess(
    (value) => numberFromInput(emptyToUndefined(value)),
    z.number({ message: "Use an amount in US dollars." }).min(0.01, "Allow at least $0.01.").max(10_000, "Keep the budget under $10,000.").optional(),
  ),
  provider: z.preprocess(emptyToUndefined, z.string().max(40).optional()),
  model: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
  /** Start with a plan for the person to approve (a form's checkbox sends "on"). */
  planFirst: z.preprocess((value) => (value === "on" ? true : emptyToUndefined(value)), z.boolean({ message: "Use true or false." }).optional()),
  /** The only origins computer use may open for this task (the form: one per line); none: the ones each call names. */
  browserOrigins: browserOriginsInput,
});

export type CreateTaskInput = z.infer<typeof createTaskInput>;

export const listTasksQuery = z.object({
  status: z.preprocess(emptyToUndefined, z.enum(TASK_STATUSES, { message: `Use one of: ${TASK_STATUSES.join(", ")}.` }).optional()),
  cursor: z.preprocess(emptyToUndefined, z.uuid({ message: "Use the nextCursor value of a previous page." }).optional()),
  limit: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100).default(20)),
});

export type ListTasksQuery = z.infer<typeof listTasksQuery>;

export const idempotencyKeyHeader = z
  .string()
  .trim()
  .min(1)
  .max(200, "Idempotency-Key must be at most 200 characters.")
  .optional();


/** A task from a template: the template's own fields (validated by the template), and optionally the model. */
export const templateTaskInput = z.object({
  fields: z.record(z.string(), z.unknown(), { message: "Send the template's fields as an object." }),
  provider: z.preprocess(emptyToUndefined, z.string().max(40).optional()),
  model: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
});
