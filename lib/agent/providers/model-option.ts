// A model choice in a form is one "provider/model" value: a model name may itself contain
// slashes, a provider id never does.
export const modelOptionValue = (choice: { provider: string; model: string }) => `${choice.provider}/${choice.model}`;

export function parseModelOption(value: string): { provider?: string; model?: string } {
  const slash = value.indexOf("/");
  return slash > 0 ? { provider: value.slice(0, slash), model: value.slice(slash + 1) } : {};
}
