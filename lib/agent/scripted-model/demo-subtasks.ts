// The demo model's parallel walk-through: a request that starts "In parallel:" (or "Split into
// sub-tasks:") names its parts, separated by semicolons or one per line; the demo spawns one
// sub-task per part with spawn_subtasks, and once they have ended answers with each part's result
// (or why it failed). Each sub-task is an ordinary demo task, so "Write my morning brief" as a
// part reads the feed and calendar in a run of its own.
import type { ToolCall } from "../providers/conversation";
import type { ScriptedReply } from "./script";

const OPENING = /^\s*(?:in parallel|split into (?:parallel )?sub-?tasks)\s*[:,-]\s*/i;
export const DEMO_SUBTASK_LIMIT = 8;

/** The parts a parallel request names, or null when it is not one. */
export function parallelParts(prompt: string): string[] | null {
  if (!OPENING.test(prompt)) return null;
  const parts = prompt
    .replace(OPENING, "")
    .split(/\n|;/)
    .map((part) => part.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, "").trim())
    .filter(Boolean);
  return parts.length > 0 ? parts.slice(0, DEMO_SUBTASK_LIMIT) : null;
}

interface SubtaskOutput {
  subtasks?: { title?: string; status?: string; answer?: string; reason?: string }[];
}

export function subtasksTurn(parts: string[], calls: { call: ToolCall; answer: { output: string } | null }[], finish: (body: string) => ScriptedReply): ScriptedReply {
  const spawn = calls.find(({ call }) => call.name === "spawn_subtasks");
  if (!spawn) {
    return {
      text: `Splitting this into ${parts.length} sub-tasks that run at the same time.`,
      toolCalls: [{ name: "spawn_subtasks", arguments: { tasks: parts.map((part) => ({ title: titleOf(part), prompt: part })) } }],
    };
  }
  const output = spawn.answer?.output ?? "";
  let parsed: SubtaskOutput | null = null;
  try {
    parsed = JSON.parse(output) as SubtaskOutput;
  } catch {
    parsed = null;
  }
  if (!parsed?.subtasks) return finish(`# Parallel sub-tasks\n\nThe sub-tasks could not be started: ${output.slice(0, 300)}`);
  const lines = parsed.subtasks.map((subtask) => {
    const summary = subtask.status === "completed" ? firstLine(subtask.answer ?? "") : (subtask.reason ?? "no reason given");
    return `- **${subtask.title ?? "Sub-task"}** (${subtask.status ?? "unknown"}): ${summary}`;
  });
  const failed = parsed.subtasks.filter((subtask) => subtask.status !== "completed").length;
  const verdict = failed === 0 ? "All parts finished." : `${failed} of ${parsed.subtasks.length} parts did not finish; their reasons are above.`;
  return finish(`# Parallel sub-tasks\n\n${parsed.subtasks.length} parts ran at the same time. ${verdict}\n\n${lines.join("\n")}`);
}

function titleOf(part: string): string {
  const words = part.replace(/https?:\/\/\S+/g, "").trim();
  return (words.length > 60 ? `${words.slice(0, 57).trimEnd()}…` : words) || "Part";
}

/** The summary line of an answer: its heading or first sentence, without Markdown marks. */
function firstLine(answer: string): string {
  const line = answer.split("\n").find((text) => text.trim() !== "" && !text.startsWith("_Written by")) ?? "";
  return line.replace(/^#+\s*/, "").trim().slice(0, 200);
}
