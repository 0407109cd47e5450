// The demo model's decisions, turn by turn, with the real tools running against Baton's own demo
// sources (served over real HTTP, reached through the SSRF guard's narrow opening, no allowlist).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationItem } from "@/lib/agent/providers/conversation";
import { demoScript } from "@/lib/agent/scripted-model/demo-script";
import type { ScriptedReply } from "@/lib/agent/scripted-model/script";
import { DEMO_EVENTS } from "@/lib/demo/demo-content";
import { demoEgressOpening, demoSources, type DemoSources } from "@/lib/demo/demo-origin";
import { fillTemplatePrompt, findTemplate } from "@/lib/schedules/templates";
import { offeredTools } from "@/lib/plans/plan-first";
import { builtinTools } from "@/lib/tools/registry";
import { ToolError } from "@/lib/tools/types";
import { startDemoSourcesServer, type DemoSourcesServer } from "../support/demo-sources-server";
import { testToolContext } from "../support/tool-context";

const NOW = new Date("2026-12-02T06:30:00Z");
const ZONE = "Europe/Berlin";
let server: DemoSourcesServer;
let sources: DemoSources;

beforeAll(async () => {
  server = await startDemoSourcesServer({ now: () => NOW });
  sources = demoSources(server.origin);
});
afterAll(() => server?.close());

const tools = builtinTools();
const toolNames = offeredTools(tools, { planFirst: false }).map((tool) => tool.name);

interface Run {
  replies: ScriptedReply[];
  conversation: ConversationItem[];
  artifacts: Map<string, string>;
  answer: string;
}

/**
 * Runs the script as the workflow would: each tool call runs for real (a POST or DELETE is
 * approved or denied first), its result goes back as data, until the script answers.
 */
async function run(thread: ConversationItem[], decide: "approve" | "deny" = "approve", offered = toolNames): Promise<Run> {
  const script = demoScript({ sources, timeZone: ZONE, now: () => NOW });
  const context = testToolContext({ httpOpenings: [demoEgressOpening(server.origin)] });
  const conversation = [...thread];
  const replies: ScriptedReply[] = [];
  for (let turn = 1; turn <= 6; turn++) {
    const reply = script({ input: structuredClone(conversation), tools: offered, instructions: "" });
    replies.push(reply);
    const calls = (reply.toolCalls ?? []).map((call, index) => ({ id: `call-${turn}-${index}`, name: call.name, arguments: call.arguments }));
    if (calls.length === 0) return { replies, conversation, artifacts: context.artifacts, answer: reply.text ?? "" };
    conversation.push({ type: "assistant", text: reply.text ?? "", toolCalls: calls });
    for (const call of calls) {
      const tool = tools.find((candidate) => candidate.name === call.name)!;
      const args = tool.input.parse(call.arguments);
      const asks = tool.risk(args) === "external" || tool.risk(args) === "destructive" || tool.name === "propose_plan";
      let result: { ok: boolean; output: string };
      if (asks && decide === "deny") result = { ok: false, output: `The person denied this ${tool.name} call. Do not repeat it; continue without it or explain.` };
      else {
        result = await tool.run(args, context).then(
          (done) => ({ ok: true, output: JSON.stringify(done.output) }),
          (error: unknown) => ({ ok: false, output: error instanceof ToolError ? error.message : String(error) }),
        );
      }
      // As the demo model gets it over the Responses API: no error flag, a failure's text starts with "Error: ".
      conversation.push({ type: "tool_result", callId: call.id, toolName: call.name, output: result.ok ? result.output : `Error: ${result.output}`, isError: false });
    }
  }
  throw new Error("The script did not answer within six turns.");
}

const ask = (prompt: string): ConversationItem[] => [{ type: "user", text: prompt }];
/** A finished task followed up: earlier answers come back as plain assistant items. */
const followUp = (first: ConversationItem[], earlier: Run, message: string): ConversationItem[] => [
  ...first,
  { type: "assistant", text: earlier.answer, toolCalls: [] },
  { type: "user", text: message },
];
const callsOf = (reply: ScriptedReply | undefined) =>
  (reply?.toolCalls ?? []).map((call): Record<string, unknown> => ({ tool: call.name, ...(call.arguments as Record<string, unknown>) }));

describe("a brief", () => {
  it("reads the demo feed and today's calendar, writes brief.md from what they returned, then answers briefly", async () => {
    const result = await run(ask("Write my morning brief."));
    expect(callsOf(result.replies[0])).toEqual([
      { tool: "read_feed", url: sources.feedUrl, limit: 10 },
      { tool: "read_calendar", url: sources.calendarUrl, from: "2026-12-02", to: "2026-12-03", timezone: ZONE },
    ]);
    expect(callsOf(result.replies[1]).map((call) => call.tool)).toEqual(["write_artifact"]);
    const brief = result.artifacts.get("brief.md")!;
    for (const event of DEMO_EVENTS) expect(brief).toContain(event.title);
    expect(brief).toContain("**09:00–09:15** Team stand-up (Video call)");
    expect(brief).toContain("Harbour bridge reopens after overnight repairs");
    // The 30-hour-old story is not from the last day.
    expect(brief).not.toContain("Library extends its opening hours");
    expect(result.replies).toHaveLength(3);
    expect(result.answer).toContain("first: Team stand-up at 09:00");
    expect(result.answer).toContain("scripted, no AI");
    expect(server.requests).toEqual(expect.arrayContaining(["GET /demo/feed.xml", "GET /demo/calendar.ics"]));
  });

  it("uses the URLs a prompt names: the morning-briefing template filled with the demo sources", async () => {
    const template = findTemplate("morning-briefing")!;
    const prompt = fillTemplatePrompt(template, { feeds: sources.feedUrl, calendar: sources.calendarUrl });
    const result = await run(ask(prompt));
    // "Do not send anything anywhere." in the template is not a request to send.
    expect(callsOf(result.replies[0]).map((call) => [call.tool, call.url])).toEqual([
      ["read_feed", sources.feedUrl],
      ["read_calendar", sources.calendarUrl],
    ]);
    expect(result.artifacts.get("brief.md")).toContain("Design review: checkout flow");
  });

  it("a follow-up changes the answer: shorter is shorter, as a table is a table", async () => {
    const first = ask("Brief me on the news and my calendar.");
    const original = await run(first);
    const shorter = await run(followUp(first, original, "shorter please"));
    const table = await run(followUp(first, original, "as a table"));
    // A new run reads the sources again and writes in the asked-for style.
    expect(callsOf(shorter.replies[0]).map((call) => call.tool)).toEqual(["read_feed", "read_calendar"]);
    expect(shorter.artifacts.get("brief.md")!.length).toBeLessThan(original.artifacts.get("brief.md")!.length);
    expect(shorter.answer).not.toEqual(original.answer);
    expect(table.answer).toContain("| Time | Event | Where |");
    expect(table.answer).toContain("| 11:30–12:30 | Design review: checkout flow | Room 2.14 |");
    expect(original.answer).not.toContain("| Time |");
  });

  it("a follow-up it has no rule for is named in the answer, not silently ignored", async () => {
    const first = ask("Write my morning brief.");
    const original = await run(first);
    const other = await run(followUp(first, original, "Add the weather in Oslo"));
    expect(other.answer).toContain('A real model would act on: "Add the weather in Oslo"');
  });
});

describe("metrics", () => {
  it("GETs the demo metrics, saves metrics.csv with one row per metric, and summarizes the biggest changes", async () => {
    const result = await run(ask("Turn this week's metrics into a CSV."));
    expect(callsOf(result.replies[0])).toEqual([{ tool: "http_request", url: sources.metricsUrl, method: "GET", as: "json" }]);
    expect(result.artifacts.get("metrics.csv")).toBe(
      [
        "metric,this week,last week,change",
        "Sign-ups,412,380,+8.4%",
        "Active users,2940,2875,+2.3%",
        "Support tickets,63,81,-22.2%",
        "Revenue (EUR),18420,17100,+7.7%",
        "Churned accounts,9,6,+50.0%",
        "",
      ].join("\n"),
    );
    expect(result.answer).toContain("Churned accounts: 6 → 9 (+50.0%)");
    expect(result.replies.flatMap((reply) => reply.toolCalls ?? []).some((call) => (call.arguments as { method?: string }).method === "POST")).toBe(false);
  });

  it("the weekly-metrics template posts its summary only when a destination is given, and only after approval", async () => {
    const template = findTemplate("weekly-metrics")!;
    const none = await run(ask(fillTemplatePrompt(template, { sources: sources.metricsUrl, destination: "" })));
    expect(none.replies.flatMap((reply) => reply.toolCalls ?? []).map((call) => call.name)).toEqual(["http_request", "write_artifact"]);

    const posted = await run(ask(fillTemplatePrompt(template, { sources: sources.metricsUrl, destination: sources.sinkUrl })));
    const post = posted.replies[2]!.toolCalls![0]!;
    expect(post).toMatchObject({ name: "http_request", arguments: { url: sources.sinkUrl, method: "POST" } });
    expect((post.arguments as { body: { text: string } }).body.text).toContain("Churned accounts");
    expect(posted.answer).toMatch(/receipt \*\*rcpt_[0-9a-f]{12}\*\*/);
  });

  it("a follow-up as a table puts the table in the answer", async () => {
    const first = ask("Weekly KPIs please");
    const original = await run(first);
    const table = await run(followUp(first, original, "Can I have it as a table?"));
    expect(table.answer).toContain("| Support tickets | 63 | 81 | -22.2% |");
    expect(original.answer).not.toContain("| Metric |");
  });
});

describe("sending and deleting", () => {
  it("asks to POST the quoted words to the demo sink; approved, the sink's receipt is in the answer", async () => {
    const result = await run(ask('Post "Stand-up moves to 10:00" to the team channel.'));
    expect(callsOf(result.replies[0])).toEqual([{ tool: "http_request", url: sources.sinkUrl, method: "POST", body: { text: "Stand-up moves to 10:00" } }]);
    expect(result.replies[0]!.text).toContain("asks you first");
    const receipt = JSON.parse((result.conversation.at(-1) as { output: string }).output) as { status: number; body: { receipt: { id: string; bytesReceived: number } } };
    expect(receipt.status).toBe(201);
    expect(receipt.body.receipt.bytesReceived).toBe(JSON.stringify({ text: "Stand-up moves to 10:00" }).length);
    expect(result.answer).toContain(`receipt **${receipt.body.receipt.id}**`);
  });

  it("denied, it says it did not send", async () => {
    const result = await run(ask("Notify the team that the release is out."), "deny");
    expect(result.answer).toContain("I did not send anything: you denied the request");
    expect(result.answer).not.toContain("receipt");
  });

  it("a delete asks for a DELETE (destructive) on the sink", async () => {
    const result = await run(ask("Delete yesterday's draft announcement."));
    expect(callsOf(result.replies[0])).toEqual([{ tool: "http_request", url: `${sources.sinkUrl}/demo-note`, method: "DELETE" }]);
    expect(result.answer).toContain("Done: deleted");
  });

  it("a follow-up that only restyles a finished send does not send again", async () => {
    const first = ask('Send "Lunch is at noon" to everyone.');
    const original = await run(first);
    const shorter = await run(followUp(first, original, "shorter"));
    expect(shorter.replies).toHaveLength(1);
    expect(shorter.replies[0]!.toolCalls ?? []).toEqual([]);
    expect(shorter.answer.length).toBeLessThan(original.answer.length);
  });

  it("a follow-up that asks to send sends the earlier answer", async () => {
    const first = ask("Write my morning brief.");
    const original = await run(first);
    const sent = await run(followUp(first, original, "Now send it to the team"));
    const post = sent.replies[0]!.toolCalls![0]!;
    expect(post).toMatchObject({ name: "http_request", arguments: { url: sources.sinkUrl, method: "POST" } });
    expect((post.arguments as { body: { text: string } }).body.text).toContain("Morning brief · 2026-12-02");
  });
});

describe("anything else", () => {
  it("answers what the demo can show and where to configure a real model, calling nothing", async () => {
    const result = await run(ask("What is the capital of Peru?"));
    expect(result.replies).toHaveLength(1);
    expect(result.answer).toContain("It is a script, not an AI");
    expect(result.answer).toContain("[Models page](/models)");
    expect(result.answer).toContain("http_request POST, waiting for your approval");
  });

  it("does not call a tool that is not offered", async () => {
    const script = demoScript({ sources, timeZone: ZONE, now: () => NOW });
    const reply = script({ input: ask("Write my morning brief."), tools: ["write_artifact"], instructions: "" });
    expect(reply.toolCalls ?? []).toEqual([]);
  });
});

describe("a plan-first task", () => {
  const planFirstTools = offeredTools(tools, { planFirst: true }).map((tool) => tool.name);

  it("proposes what it would do, with the tools it uses, before doing anything; then does it", async () => {
    const result = await run(ask("Write me a brief of today's news and calendar."), "approve", planFirstTools);
    const [plan] = callsOf(result.replies[0]);
    expect(plan).toMatchObject({ tool: "propose_plan", tools: ["read_feed", "read_calendar", "write_artifact"] });
    expect(plan!.steps).toEqual([`Read the feed ${sources.feedUrl} (read_feed)`, expect.stringMatching(/^Read the calendar .* \(read_calendar\)$/), "Write brief.md (write_artifact)"]);
    // After the approval, the same turns as without a plan.
    expect(callsOf(result.replies[1]).map((call) => call.tool)).toEqual(["read_feed", "read_calendar"]);
    expect(result.artifacts.has("brief.md")).toBe(true);
  });

  it("does nothing when the plan is denied, and says so", async () => {
    const result = await run(ask(`Send "All green" to the team.`), "deny", planFirstTools);
    expect(callsOf(result.replies[0])).toMatchObject([{ tool: "propose_plan", tools: ["http_request"], steps: [`POST ${sources.sinkUrl} (http_request)`] }]);
    expect(result.replies).toHaveLength(2);
    expect(result.answer).toMatch(/^# Not started\n\nThe plan was not approved, so nothing was done\./);
  });
});

describe("parallel parts", () => {
  const offered = [...toolNames, "spawn_subtasks"];
  const prompt = "In parallel: Write my morning brief; Fetch this week's metrics as CSV; Say hello";
  const spawnTurn = () => demoScript({ sources, timeZone: ZONE, now: () => NOW })({ input: ask(prompt), tools: offered, instructions: "" });
  const afterSpawn = (output: string) => {
    const first = spawnTurn();
    const call = { id: "call-1", name: "spawn_subtasks", arguments: first.toolCalls![0]!.arguments };
    const input: ConversationItem[] = [...ask(prompt), { type: "assistant", text: first.text ?? "", toolCalls: [call] }, { type: "tool_result", callId: call.id, toolName: call.name, output, isError: false }];
    return demoScript({ sources, timeZone: ZONE, now: () => NOW })({ input, tools: offered, instructions: "" });
  };

  it("splits an 'In parallel:' request into one sub-task per part", () => {
    expect(callsOf(spawnTurn())).toEqual([
      {
        tool: "spawn_subtasks",
        tasks: [
          { title: "Write my morning brief", prompt: "Write my morning brief" },
          { title: "Fetch this week's metrics as CSV", prompt: "Fetch this week's metrics as CSV" },
          { title: "Say hello", prompt: "Say hello" },
        ],
      },
    ]);
  });

  it("answers with each part's result once they have ended, naming the ones that failed", () => {
    const output = JSON.stringify({
      subtasks: [
        { title: "Write my morning brief", status: "completed", answer: "# Morning brief for 2 December\n\nThree events today." },
        { title: "Fetch this week's metrics as CSV", status: "failed", reason: "The model did not answer within 30 minutes." },
        { title: "Say hello", status: "completed", answer: "Hello." },
      ],
    });
    const reply = afterSpawn(output);
    expect(reply.toolCalls ?? []).toEqual([]);
    expect(reply.text).toContain("- **Write my morning brief** (completed): Morning brief for 2 December");
    expect(reply.text).toContain("- **Fetch this week's metrics as CSV** (failed): The model did not answer within 30 minutes.");
    expect(reply.text).toContain("1 of 3 parts did not finish");
  });

  it("says so when the sub-tasks could not be started (a refused call comes back as an error)", () => {
    const reply = afterSpawn("Error: Sub-tasks may nest at most 2 deep, and this task is already a sub-task at depth 2.");
    expect(reply.text).toContain("The sub-tasks could not be started: Error: Sub-tasks may nest at most 2 deep");
  });

  it("without spawn_subtasks on offer, the request is an ordinary one", () => {
    const reply = demoScript({ sources, timeZone: ZONE, now: () => NOW })({ input: ask(prompt), tools: toolNames, instructions: "" });
    expect(callsOf(reply).map((call) => call.tool)).not.toContain("spawn_subtasks");
  });
});
