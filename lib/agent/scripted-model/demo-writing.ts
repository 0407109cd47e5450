// What the demo model writes, built only from what its tools returned: the brief, the metrics
// table and summary, the report of a send. Each takes the style a follow-up asked for.
import { z } from "zod";
import type { DemoStyle } from "./demo-request";

export const DEMO_FOOTER = "_Written by Baton's demo model: scripted, no AI. For real answers, add a model on the [Models page](/models)._";

const feedOutput = z.object({
  title: z.string().nullish(),
  items: z.array(z.object({ title: z.string(), link: z.string().nullish(), published: z.string().nullish(), summary: z.string().nullish() })),
});
const calendarOutput = z.object({
  calendar: z.string().nullish(),
  timezone: z.string(),
  events: z.array(z.object({ summary: z.string(), start: z.string(), end: z.string(), allDay: z.boolean(), location: z.string().nullish() })),
});
const metricRow = z.object({ metric: z.string().optional(), name: z.string().optional(), thisWeek: z.number(), lastWeek: z.number() });
const metricsBody = z.union([z.object({ week: z.string().optional(), metrics: z.array(metricRow) }), z.array(metricRow)]);
const httpOutput = z.object({ status: z.number(), url: z.string(), body: z.unknown() });
const receiptBody = z.object({ receipt: z.object({ id: z.string(), bytesReceived: z.number(), receivedAt: z.string() }) });

/**
 * A tool's answer as the model saw it. The Responses API, which the demo model speaks, has no
 * error flag on a tool's output: Baton marks a failure by starting its text with "Error: ".
 */
export interface ToolAnswer {
  output: string;
}

function parsed<T>(schema: z.ZodType<T>, answer: ToolAnswer): T | null {
  try {
    const result = schema.safeParse(JSON.parse(answer.output));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`)].join("\n");

// ---------------------------------------------------------------------------------------------
// The brief

export interface BriefInput {
  date: string;
  /** When the brief is written, epoch ms: "the last day" counts back from it. */
  nowMs: number;
  feeds: { url: string; answer: ToolAnswer }[];
  calendar: { url: string; answer: ToolAnswer } | null;
}

interface BriefFacts {
  events: { time: string; title: string; place: string }[];
  news: { title: string; link: string | null; summary: string }[];
  problems: string[];
}

function briefFacts(input: BriefInput): BriefFacts {
  const problems: string[] = [];
  const news = input.feeds.flatMap(({ url, answer }) => {
    const feed = parsed(feedOutput, answer);
    if (!feed) problems.push(`Could not read the feed at ${url}: ${answer.output.slice(0, 200)}`);
    // The last day's items, as the briefing asks; an older feed still shows its newest three.
    const dayAgo = input.nowMs - 86_400_000;
    const items = feed?.items ?? [];
    const recent = items.filter((item) => item.published && Date.parse(item.published) >= dayAgo);
    return (recent.length > 0 ? recent : items.slice(0, 3)).map((item) => ({ title: item.title, link: item.link ?? null, summary: item.summary ?? "" }));
  });
  const calendar = input.calendar ? parsed(calendarOutput, input.calendar.answer) : null;
  if (input.calendar && !calendar) problems.push(`Could not read the calendar at ${input.calendar.url}: ${input.calendar.answer.output.slice(0, 200)}`);
  const events = (calendar?.events ?? []).map((event) => ({
    time: event.allDay ? "all day" : `${event.start.slice(11, 16)}–${event.end.slice(11, 16)}`,
    title: event.summary,
    place: event.location ?? "",
  }));
  return { events, news, problems };
}

/** The short answer beside brief.md; a follow-up's style shows in it too. */
export function briefAnswer(input: BriefInput, style: DemoStyle): string {
  if (style !== "normal") return writeBrief(input, style);
  const { events, news, problems } = briefFacts(input);
  const first = events[0];
  return [
    `# Morning brief · ${input.date}`,
    "",
    `Your brief is in brief.md: ${events.length} event${events.length === 1 ? "" : "s"} today` +
      `${first ? ` (first: ${first.title} at ${first.time.slice(0, 5)})` : ""} and ${news.length} news item${news.length === 1 ? "" : "s"} from the last day.`,
    ...(problems.length ? ["", ...problems.map((problem) => `- ${problem}`)] : []),
  ].join("\n");
}

export function writeBrief(input: BriefInput, style: DemoStyle): string {
  const { events, news, problems } = briefFacts(input);
  const heading = `# Morning brief · ${input.date}`;
  const trouble = problems.map((problem) => `- ${problem}`);
  if (style === "shorter") {
    const first = events[0];
    return [
      heading,
      "",
      `${events.length} event${events.length === 1 ? "" : "s"} today${first ? `, first ${first.title} at ${first.time.slice(0, 5)}` : ""}. ` +
        `Top story: ${news[0]?.title ?? "no news"}.`,
      ...(trouble.length ? ["", ...trouble] : []),
    ].join("\n");
  }
  if (style === "table") {
    return [
      heading,
      "",
      "## Today",
      "",
      events.length ? table(["Time", "Event", "Where"], events.map((e) => [e.time, e.title, e.place])) : "No events today.",
      "",
      "## News",
      "",
      news.length ? table(["Story", "Link"], news.map((n) => [n.title, n.link ?? ""])) : "No news.",
      ...(trouble.length ? ["", ...trouble] : []),
    ].join("\n");
  }
  const detail = style === "longer";
  return [
    heading,
    "",
    "## Today",
    "",
    ...(events.length ? events.map((e) => `- **${e.time}** ${e.title}${e.place ? ` (${e.place})` : ""}`) : ["No events today."]),
    "",
    "## News",
    "",
    ...(news.length ? news.map((n) => `- ${n.link ? `[${n.title}](${n.link})` : n.title}${detail && n.summary ? `: ${n.summary}` : ""}`) : ["No news."]),
    ...(trouble.length ? ["", "## Could not read", "", ...trouble] : []),
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// The metrics

export interface MetricRow {
  metric: string;
  thisWeek: number;
  lastWeek: number;
}

export function readMetrics(answers: { url: string; answer: ToolAnswer }[]): { week: string | null; rows: MetricRow[]; problems: string[] } {
  let week: string | null = null;
  const rows: MetricRow[] = [];
  const problems: string[] = [];
  for (const { url, answer } of answers) {
    const response = parsed(httpOutput, answer);
    const body = response && response.status < 300 ? metricsBody.safeParse(response.body) : null;
    if (!body?.success) {
      problems.push(`Could not read metrics from ${url}: ${response ? `status ${response.status}, not the expected JSON` : answer.output.slice(0, 200)}`);
      continue;
    }
    const list = Array.isArray(body.data) ? body.data : body.data.metrics;
    if (!Array.isArray(body.data) && body.data.week) week = body.data.week;
    rows.push(...list.map((row) => ({ metric: row.metric ?? row.name ?? "?", thisWeek: row.thisWeek, lastWeek: row.lastWeek })));
  }
  return { week, rows, problems };
}

const change = (row: MetricRow) => (row.lastWeek === 0 ? 0 : ((row.thisWeek - row.lastWeek) / row.lastWeek) * 100);
const percent = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(1)}%`;
const csvCell = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

export function metricsCsv(rows: MetricRow[]): string {
  return ["metric,this week,last week,change", ...rows.map((row) => [csvCell(row.metric), row.thisWeek, row.lastWeek, percent(change(row))].join(","))].join("\n") + "\n";
}

/** The three biggest moves, one line each. */
export function metricsSummary(rows: MetricRow[]): string[] {
  return [...rows]
    .sort((a, b) => Math.abs(change(b)) - Math.abs(change(a)))
    .slice(0, 3)
    .map((row) => `${row.metric}: ${row.lastWeek} → ${row.thisWeek} (${percent(change(row))})`);
}

export function writeMetricsAnswer(metrics: ReturnType<typeof readMetrics>, style: DemoStyle, post: string | null): string {
  const heading = `# Weekly metrics${metrics.week ? ` · ${metrics.week}` : ""}`;
  const moves = metricsSummary(metrics.rows);
  const trouble = metrics.problems.map((problem) => `- ${problem}`);
  const tail = [...(post ? ["", post] : []), ...(trouble.length ? ["", ...trouble] : [])];
  if (style === "shorter") return [heading, "", `Biggest change: ${moves[0] ?? "none"}. The table is in metrics.csv.`, ...tail].join("\n");
  if (style === "table") {
    return [heading, "", table(["Metric", "This week", "Last week", "Change"], metrics.rows.map((r) => [r.metric, String(r.thisWeek), String(r.lastWeek), percent(change(r))])), ...tail].join("\n");
  }
  const all = style === "longer" ? ["", "## Every metric", "", ...metrics.rows.map((r) => `- ${r.metric}: ${r.lastWeek} → ${r.thisWeek} (${percent(change(r))})`)] : [];
  return [heading, "", `${metrics.rows.length} metrics saved in metrics.csv. The three changes that matter most:`, "", ...moves.map((m) => `- ${m}`), ...all, ...tail].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Sending

/** What happened to a POST or DELETE, in words: the receipt, the person's no, or the failure. */
export function describeSend(answer: ToolAnswer, verb: "sent" | "deleted", target: string): string {
  const failure = answer.output.startsWith("Error: ") ? answer.output.slice("Error: ".length) : null;
  if (failure?.startsWith("The person denied")) {
    const note = /Their note: (.*?)(?: Do not repeat it|$)/.exec(failure)?.[1];
    return `I did not send anything: you denied the request to ${target}.${note ? ` Your note: ${note}` : ""}`;
  }
  if (failure?.startsWith("Refused: the person's policy")) return `Nothing was ${verb}: your risk policy does not allow this call.`;
  const response = failure === null ? parsed(httpOutput, answer) : null;
  if (!response) return `Nothing was ${verb}: ${(failure ?? answer.output).slice(0, 300)}`;
  const receipt = receiptBody.safeParse(response.body);
  if (receipt.success) {
    const { id, bytesReceived, receivedAt } = receipt.data.receipt;
    return `Done: ${verb} to ${target}. The demo sink answered ${response.status} with receipt **${id}** (${bytesReceived} bytes received at ${receivedAt}).`;
  }
  return response.status < 300 ? `Done: ${target} answered ${response.status}.` : `Not done: ${target} answered ${response.status}.`;
}
