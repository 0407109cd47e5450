// The demo model's answer: scripted from the prompt, and plain about not being an AI.
export function scriptedReply(prompt: string): string {
  const firstLine = prompt.split("\n").find((line) => line.trim() !== "")?.trim() ?? "Your task";
  const quoted = prompt
    .trim()
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
  return [
    `# ${firstLine.slice(0, 80)}`,
    "",
    "_This answer comes from Baton's demo model: a scripted stand-in, not an AI. " +
      "Configure a model provider (see the README) to get real answers._",
    "",
    "## Your request",
    "",
    quoted,
    "",
    "## What happened",
    "",
    "1. Baton stored your task and queued it.",
    "2. A background worker picked it up and sent the prompt to the model.",
    "3. The model's answer was saved as this markdown artifact.",
    "",
    `Prompt length: ${prompt.length} characters.`,
  ].join("\n");
}
