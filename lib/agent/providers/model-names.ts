// Model ids as people say them on the timeline: "gpt-5-mini" is "GPT-5 mini", the demo model is
// "Demo model". An id these rules do not know is shown as it is.

const CAPITALIZED = new Set(["pro", "turbo"]);

export function modelDisplayName(provider: string, model: string): string {
  if (provider === "demo") return "Demo model";
  const gpt = /^gpt-(\d+(?:\.\d+)?o?)(?:-(.+))?$/i.exec(model);
  if (gpt) return `GPT-${gpt[1]}${gpt[2] ? ` ${words(gpt[2])}` : ""}`;
  const oSeries = /^(o\d)(?:-(.+))?$/i.exec(model);
  if (oSeries) return `${oSeries[1]}${oSeries[2] ? ` ${words(oSeries[2])}` : ""}`;
  // claude-sonnet-4-5, claude-opus-4-1-20250805, claude-3-5-haiku-latest
  const claude = /^claude-(?:([a-z]+)-(\d+)(?:-(\d))?|(\d+)(?:-(\d))?-([a-z]+))(?:-(?:\d{8}|latest))?$/i.exec(model);
  if (claude) {
    const family = claude[1] ?? claude[6]!;
    const major = claude[2] ?? claude[4]!;
    const minor = claude[3] ?? claude[5];
    return `Claude ${family[0]!.toUpperCase()}${family.slice(1)} ${major}${minor ? `.${minor}` : ""}`;
  }
  return model;
}

function words(suffix: string): string {
  return suffix
    .split("-")
    .map((word) => (CAPITALIZED.has(word) ? `${word[0]!.toUpperCase()}${word.slice(1)}` : word))
    .join(" ");
}
