// The demo model on a plan-first task: its first turn proposes, as a plan, what it would otherwise
// do at once (plus the result file it writes after reading), and after the person's answer it goes
// on as without a plan, or stops when the plan was denied. The plan names each tool it will use.
import { PROPOSE_PLAN_TOOL } from "@/lib/plans/propose-plan-tool";
import type { ConversationItem } from "../providers/conversation";
import { intentOf } from "./demo-request";
import { DEMO_FOOTER } from "./demo-writing";
import type { Script, ScriptedReply, ScriptedToolCall } from "./script";

function describeCall(call: ScriptedToolCall): string {
  const args = (call.arguments ?? {}) as Record<string, unknown>;
  const url = typeof args.url === "string" ? args.url : "";
  if (call.name === "http_request") return `${typeof args.method === "string" ? args.method : "GET"} ${url} (http_request)`;
  if (call.name === "read_feed") return `Read the feed ${url} (read_feed)`;
  if (call.name === "read_calendar") return `Read the calendar ${url} (read_calendar)`;
  return `Use ${call.name}`;
}

function proposal(prompt: string, first: ScriptedReply): ScriptedReply {
  const calls = first.toolCalls ?? [];
  if (calls.length === 0) return first;
  const intent = intentOf(prompt);
  const writes = intent === "brief" || intent === "metrics";
  const steps = [...calls.map(describeCall), ...(writes ? [`Write ${intent === "brief" ? "brief.md" : "metrics.csv"} (write_artifact)`] : [])];
  const tools = [...new Set([...calls.map((call) => call.name), ...(writes ? ["write_artifact"] : [])])];
  const summary = intent === "brief" ? "A brief of today's news and calendar." : intent === "metrics" ? "This week's metrics as a spreadsheet." : "What you asked, once you approve.";
  return { text: "This task asks for a plan first; here is mine.", toolCalls: [{ name: PROPOSE_PLAN_TOOL, arguments: { summary, steps, tools } }] };
}

export function withPlanFirst(script: Script): Script {
  return (turn) => {
    if (!turn.tools.includes(PROPOSE_PLAN_TOOL)) return script(turn);
    const tools = turn.tools.filter((name) => name !== PROPOSE_PLAN_TOOL);
    // This run's part: after the last answer of an earlier run.
    const lastAnswer = turn.input.findLastIndex((item) => item.type === "assistant" && item.toolCalls.length === 0);
    const planCall = turn.input.slice(lastAnswer + 1).find((item) => item.type === "assistant" && item.toolCalls.some((call) => call.name === PROPOSE_PLAN_TOOL));
    const prompt = turn.input.find((item) => item.type === "user")?.text ?? "";
    if (!planCall || planCall.type !== "assistant") return proposal(prompt, script({ ...turn, tools }));
    const planIds = new Set(planCall.toolCalls.map((call) => call.id));
    const isPlanResult = (item: ConversationItem) => item.type === "tool_result" && planIds.has(item.callId);
    const answer = turn.input.find(isPlanResult);
    if (answer?.type === "tool_result" && answer.output.startsWith("Error:")) {
      return { text: `# Not started\n\nThe plan was not approved, so nothing was done. ${answer.output.slice(7, 300)}\n\n${DEMO_FOOTER}` };
    }
    return script({ ...turn, tools, input: turn.input.filter((item) => item !== planCall && !isPlanResult(item)) });
  };
}
