import { z } from "zod";

export const decisionInput = z.object({
  decision: z.enum(["approve", "deny"], { message: "Choose approve or deny." }),
  /** A denial's reason, which the agent sees; optional. */
  note: z.string().trim().max(2000, "Keep the note under 2,000 characters.").optional(),
  /** Replaces the agent's arguments when approving; validated against the tool's input schema. */
  arguments: z.record(z.string(), z.unknown()).optional(),
});

export type DecisionInput = z.infer<typeof decisionInput>;

/** The message the workflow waits for; the decision itself is read back from the database. */
export const approvalSignalTopic = (approvalId: string) => `approval:${approvalId}`;
