import type { ModelChoice } from "@/lib/agent/providers/registry";
import { modelOptionValue } from "@/lib/agent/providers/model-option";

/** The <option>s of a model picker; their values parse back with parseModelOption. */
export function ModelOptions({ models }: { models: ModelChoice[] }) {
  return models.map((choice) => (
    <option key={modelOptionValue(choice)} value={modelOptionValue(choice)}>
      {choice.label}
    </option>
  ));
}
