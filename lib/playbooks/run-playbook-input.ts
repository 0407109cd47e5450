// What the model sees of playbooks: the run_playbook tool's input, and a short list of what it can
// run. Ids, titles and parameters only: the steps, selectors and credentials are none of its business.
import { z } from "zod";
import { expected } from "./bind-playbook";
import { playbookIdSchema, type Playbook } from "./schema";
import { highImpactSteps } from "./step-risk";

export const runPlaybookInputSchema = z.strictObject({
  playbook: playbookIdSchema.describe("The id of a playbook from the list, e.g. export-invoices."),
  parameters: z
    .record(z.string(), z.union([z.string(), z.number()]))
    .default({})
    .describe("The playbook's parameters by name, e.g. {\"month\": \"2026-09\"}."),
});

export type RunPlaybookInput = z.infer<typeof runPlaybookInputSchema>;

function describeParameters(playbook: Playbook): string {
  const entries = Object.entries(playbook.parameters);
  if (entries.length === 0) return "no parameters";
  return entries
    .map(([name, parameter]) => {
      const need = parameter.default !== undefined ? `default ${parameter.default}` : parameter.required ? "required" : "optional";
      return `${name} (${expected(parameter)}, ${need})${parameter.description ? `: ${parameter.description.replace(/\.$/, "")}` : ""}`;
    })
    .join("; ");
}

/** One line per playbook, for the run_playbook tool's description. */
export function describePlaybooksForModel(playbooks: readonly Playbook[]): string {
  if (playbooks.length === 0) return "No playbooks are installed.";
  return playbooks
    .map((playbook) => {
      const sites = playbook.origins.map((origin) => new URL(origin).host).join(", ");
      const approval = highImpactSteps(playbook).length > 0 ? " Asks the user before its high-impact steps." : "";
      const description = playbook.description ? ` ${playbook.description.replace(/\.$/, "")}.` : "";
      return `- ${playbook.id}: ${playbook.title} (on ${sites}).${description}${approval} Parameters: ${describeParameters(playbook)}.`;
    })
    .join("\n");
}
