// The demo model's script: a walk-through of the real machinery, honestly scripted. From the
// conversation alone (and a clock, for "today") it decides each turn: read the feed and the
// calendar, then write brief.md; fetch the metrics, then write metrics.csv (and post the summary
// if the request names a destination); POST or DELETE to the demo sink through the real tool
// path, so the person's policy and the approval card apply; or explain what the demo can show.
// A follow-up ("shorter", "as a table") starts a new run that answers again in that style.
import type { DemoSources } from "@/lib/demo/demo-origin";
import type { ConversationItem, ToolCall } from "../providers/conversation";
import { codeHandoffTurn, PR_HANDOFF_OPENING } from "./demo-code-handoff";
import { intentOf, isCalendarUrl, isDestinationUrl, messageIn, styleOf, urlsIn, type DemoIntent, type DemoStyle } from "./demo-request";
import { briefAnswer, DEMO_FOOTER, describeSend, metricsCsv, metricsSummary, readMetrics, writeBrief, writeMetricsAnswer, type BriefInput, type ToolAnswer } from "./demo-writing";
import { withPlanFirst } from "./demo-plan";
import { parallelParts, subtasksTurn } from "./demo-subtasks";
import type { Script, ScriptedReply, ScriptedTurn } from "./script";

export interface DemoScriptOptions {
  sources: DemoSources;
  /** The zone "today" is read in (the server's). */
  timeZone: string;
  now?: () => Date;
}

/** This run's part of the conversation, and what came before it. */
interface Reading {
  prompt: string;
  intent: DemoIntent;
  style: DemoStyle;
  /** The latest follow-up, when this run answers one. */
  followUp: string | null;
  /** The follow-up itself asks to send or delete (rather than restyle). */
  followUpActs: boolean;
  /** A follow-up the demo has no rule for: named in the answer. */
  unreadFollowUp: string | null;
  /** The previous run's answer, when this run answers a follow-up. */
  earlierAnswer: string | null;
  calls: { call: ToolCall; answer: ToolAnswer | null }[];
}

function read(input: ConversationItem[]): Reading {
  const prompt = input.find((item) => item.type === "user")?.text ?? "";
  // Earlier runs come back as answers without tool calls; this run starts after the last one.
  const lastAnswer = input.findLastIndex((item) => item.type === "assistant" && item.toolCalls.length === 0);
  const current = input.slice(lastAnswer + 1);
  const followUps = lastAnswer >= 0 ? input.slice(lastAnswer).filter((item) => item.type === "user").map((item) => item.text) : [];
  const followUp = followUps.at(-1) ?? null;
  const followUpIntent = followUp ? intentOf(followUp) : null;
  const style = followUp ? styleOf(followUp) : null;
  const results = new Map(current.flatMap((item) => (item.type === "tool_result" ? [[item.callId, { output: item.output }] as const] : [])));
  const calls = current.flatMap((item) => (item.type === "assistant" ? item.toolCalls : [])).map((call) => ({ call, answer: results.get(call.id) ?? null }));
  const earlier = lastAnswer >= 0 ? input[lastAnswer] : undefined;
  return {
    prompt,
    // A follow-up that asks to send sends; one that asks for a style restyles the original request.
    intent: followUpIntent === "send" || followUpIntent === "delete" ? followUpIntent : (intentOf(prompt) ?? "help"),
    style: style ?? "normal",
    followUp,
    followUpActs: followUpIntent === "send" || followUpIntent === "delete",
    unreadFollowUp: followUp && !style && !followUpIntent ? followUp : null,
    earlierAnswer: earlier?.type === "assistant" ? earlier.text : null,
    calls,
  };
}

const answered = (calls: Reading["calls"], name: string) => calls.filter(({ call }) => call.name === name);
const argsOf = (call: ToolCall) => (call.arguments && typeof call.arguments === "object" ? (call.arguments as Record<string, unknown>) : {});

function finalText(reading: Reading, body: string): ScriptedReply {
  const note = reading.unreadFollowUp
    ? `\n\n> The demo model is scripted: it understands follow-ups such as "shorter", "as a table" or "longer". A real model would act on: "${reading.unreadFollowUp.slice(0, 200)}"`
    : "";
  return { text: `${body}${note}\n\n${DEMO_FOOTER}` };
}

export function demoScript(options: DemoScriptOptions): Script {
  const now = options.now ?? (() => new Date());
  // On a plan-first task the same turns come after a plan the person approved.
  return withPlanFirst(({ input, tools }: ScriptedTurn): ScriptedReply => {
    const reading = read(input);
    const offered = (name: string) => tools.includes(name);
    // The PR handoff template's task: the code walk-through, on the fixture repository.
    if (reading.prompt.startsWith(PR_HANDOFF_OPENING) && offered("clone_repository")) {
      return codeHandoffTurn(reading.prompt, reading.calls, (body) => finalText(reading, body));
    }
    // "In parallel: …; …": one sub-task per part (the first run only; a follow-up restyles as usual).
    const parts = parallelParts(reading.prompt);
    if (parts && offered("spawn_subtasks") && reading.earlierAnswer === null) {
      return subtasksTurn(parts, reading.calls, (body) => finalText(reading, body));
    }
    switch (reading.intent) {
      case "brief":
        return offered("read_feed") && offered("read_calendar") ? briefTurn(reading, options, now()) : helpTurn(reading);
      case "metrics":
        return offered("http_request") && offered("write_artifact") ? metricsTurn(reading, options) : helpTurn(reading);
      case "send":
      case "delete":
        return offered("http_request") ? sendTurn(reading, options) : helpTurn(reading);
      case "help":
        return helpTurn(reading);
    }
  });
}

// ---------------------------------------------------------------------------------------------

function localDate(at: Date, timeZone: string, addDays = 0): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return new Date(Date.UTC(value("year"), value("month") - 1, value("day") + addDays)).toISOString().slice(0, 10);
}

function briefTurn(reading: Reading, options: DemoScriptOptions, at: Date): ScriptedReply {
  const named = urlsIn(reading.prompt).filter((url) => !isDestinationUrl(url));
  const calendar = named.length ? named.find(isCalendarUrl)?.url : options.sources.calendarUrl;
  const feeds = named.length ? named.filter((url) => !isCalendarUrl(url)).map((url) => url.url) : [options.sources.feedUrl];
  const reads = [...answered(reading.calls, "read_feed"), ...answered(reading.calls, "read_calendar")];
  const today = localDate(at, options.timeZone);
  if (reads.length === 0) {
    return {
      text: "Reading the news feed and today's calendar.",
      toolCalls: [
        ...feeds.map((url) => ({ name: "read_feed", arguments: { url, limit: 10 } })),
        ...(calendar
          ? [{ name: "read_calendar", arguments: { url: calendar, from: today, to: localDate(at, options.timeZone, 1), timezone: options.timeZone } }]
          : []),
      ],
    };
  }
  const answerOf = (entry: (typeof reads)[number]) => ({ url: String(argsOf(entry.call).url ?? ""), answer: entry.answer ?? { output: "no answer" } });
  const calendarRead = answered(reading.calls, "read_calendar")[0];
  const brief: BriefInput = {
    date: String(argsOf(calendarRead?.call ?? reads[0]!.call).from ?? today),
    nowMs: at.getTime(),
    feeds: answered(reading.calls, "read_feed").map(answerOf),
    calendar: calendarRead ? answerOf(calendarRead) : null,
  };
  const written = answered(reading.calls, "write_artifact")[0];
  if (!written) {
    return {
      text: "Writing the brief from what the tools returned.",
      toolCalls: [{ name: "write_artifact", arguments: { name: "brief.md", content: writeBrief(brief, reading.style) } }],
    };
  }
  const failed = written.answer?.output.startsWith("Error: ") ? `\n\nSaving brief.md failed: ${written.answer.output.slice(7)}` : "";
  return finalText(reading, `${briefAnswer(brief, reading.style)}${failed}`);
}

function metricsTurn(reading: Reading, options: DemoScriptOptions): ScriptedReply {
  const named = urlsIn(reading.prompt);
  const destination = named.find(isDestinationUrl)?.url ?? null;
  const sources = named.filter((url) => !isDestinationUrl(url)).map((url) => url.url);
  const sourceUrls = sources.length ? sources : [options.sources.metricsUrl];
  const requests = answered(reading.calls, "http_request");
  const gets = requests.filter(({ call }) => argsOf(call).method !== "POST");
  if (gets.length === 0) {
    return { text: "Fetching the metrics.", toolCalls: sourceUrls.map((url) => ({ name: "http_request", arguments: { url, method: "GET", as: "json" } })) };
  }
  const metrics = readMetrics(gets.map(({ call, answer }) => ({ url: String(argsOf(call).url ?? ""), answer: answer ?? { output: "no answer" } })));
  if (answered(reading.calls, "write_artifact").length === 0 && metrics.rows.length > 0) {
    return { text: "Saving the table as metrics.csv.", toolCalls: [{ name: "write_artifact", arguments: { name: "metrics.csv", content: metricsCsv(metrics.rows) } }] };
  }
  const post = requests.find(({ call }) => argsOf(call).method === "POST");
  if (destination && !post && metrics.rows.length > 0) {
    const text = `Weekly metrics${metrics.week ? ` ${metrics.week}` : ""}: ${metricsSummary(metrics.rows).join("; ")}`;
    return {
      text: `Posting the summary to ${destination}; Baton asks you first because it leaves Baton.`,
      toolCalls: [{ name: "http_request", arguments: { url: destination, method: "POST", body: { text } } }],
    };
  }
  const posted = post?.answer ? describeSend(post.answer, "sent", String(argsOf(post.call).url ?? "")) : null;
  return finalText(reading, writeMetricsAnswer(metrics, reading.style, posted));
}

function sendTurn(reading: Reading, options: DemoScriptOptions): ScriptedReply {
  const destructive = reading.intent === "delete";
  const request = answered(reading.calls, "http_request")[0];
  if (request?.answer) {
    const target = String(argsOf(request.call).url ?? "");
    const outcome = describeSend(request.answer, destructive ? "deleted" : "sent", target);
    return finalText(reading, `# ${destructive ? "Delete" : "Send"}\n\n${outcome}`);
  }
  // A follow-up that only restyles a finished send must not send again.
  if (reading.earlierAnswer !== null && !reading.followUpActs) return finalText(reading, restyle(reading.earlierAnswer, reading.style));
  const asked = reading.followUpActs ? (reading.followUp ?? "") : reading.prompt;
  const url = urlsIn(asked).find(isDestinationUrl)?.url ?? urlsIn(reading.prompt).find(isDestinationUrl)?.url ?? options.sources.sinkUrl;
  if (destructive) {
    const target = url === options.sources.sinkUrl ? `${url}/demo-note` : url;
    return {
      text: `I would like to delete ${target}. Deleting is destructive, so Baton asks you first.`,
      toolCalls: [{ name: "http_request", arguments: { url: target, method: "DELETE" } }],
    };
  }
  // "Send it to the team" sends the earlier answer; otherwise the quoted words, or the request's first line.
  const quoted = /["“«]/.test(asked);
  const message = reading.followUpActs && !quoted && reading.earlierAnswer !== null ? withoutDemoNotes(reading.earlierAnswer).slice(0, 2000) : messageIn(asked);
  return {
    text: `I would like to post "${message.slice(0, 120)}" to ${url}. It leaves Baton, so Baton asks you first.`,
    toolCalls: [{ name: "http_request", arguments: { url, method: "POST", body: { text: message } } }],
  };
}

function withoutDemoNotes(answer: string): string {
  return answer
    .split("\n\n")
    .filter((block) => !block.startsWith("_Written by Baton's demo model") && !block.startsWith("> The demo model is scripted"))
    .join("\n\n");
}

/** A finished answer again, in the style a follow-up asked for. */
function restyle(answer: string, style: DemoStyle): string {
  const withoutFooter = withoutDemoNotes(answer).split("\n\n");
  const heading = withoutFooter.find((block) => block.startsWith("#")) ?? "# Answer";
  const points = withoutFooter.filter((block) => !block.startsWith("#"));
  if (style === "shorter") return `${heading}\n\n${(points[0] ?? "").split(/(?<=[.!?])\s/)[0]}`;
  if (style === "table") return `${heading}\n\n| # | Point |\n| --- | --- |\n${points.map((point, index) => `| ${index + 1} | ${point.replace(/\|/g, "\\|").replace(/\s+/g, " ")} |`).join("\n")}`;
  return [heading, ...points].join("\n\n");
}

function helpTurn(reading: Reading): ScriptedReply {
  if (reading.earlierAnswer !== null && reading.style !== "normal") return finalText(reading, restyle(reading.earlierAnswer, reading.style));
  const examples = [
    ["A morning brief", "“Write my morning brief from the news and today's calendar.”", "read_feed, read_calendar, then brief.md"],
    ["Weekly metrics", "“Turn this week's metrics into a CSV.”", "http_request GET, then metrics.csv"],
    ["Something that needs approval", "“Post \"Stand-up moves to 10:00\" to the team channel.”", "http_request POST, waiting for your approval"],
  ];
  if (reading.style === "table") {
    return finalText(reading, `# What the demo model can show\n\n| Ask for | For example | What runs |\n| --- | --- | --- |\n${examples.map((row) => `| ${row.join(" | ")} |`).join("\n")}`);
  }
  return finalText(
    reading,
    [
      "# This is the demo model",
      "",
      "It is a script, not an AI, so it cannot answer this request. It walks through what Baton does with a real model, using real tools on demo sources that Baton serves itself:",
      "",
      ...examples.map(([what, example, runs]) => `- **${what}**: ${example} (${runs})`),
      "",
      'Follow up with "shorter" or "as a table" to see a follow-up change the answer.',
    ].join("\n"),
  );
}
