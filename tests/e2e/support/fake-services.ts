// The end-to-end suite's outside world, started by playwright.config.ts before Baton:
// - a scripted model server speaking the OpenAI API (the same one behind the demo model), whose
//   script answers like the demo model, except that a prompt carrying postMarker() makes it call
//   http_request with a POST (which needs the person's approval), report the result, and answer
//   any follow-up message without calling again; a morning-briefing prompt (the template's)
//   makes it read the listed feeds and calendar, then write the brief from what the tools returned;
//   the export-invoices template's prompt makes it run the playbook for the month before the run's
//   start (read from its instructions) and count what the CSV holds; playbookMarker() runs a
//   playbook with the parameters given; computerUseMarker() drives the portal with use_browser
//   (./computer-script.ts) on the OpenAI or the Anthropic wire;
// - the fixture billing portal (tests/fixtures/portal) at E2E_PORTS.portal, with invoices in the
//   three months before today and the sign-in E2E_PORTAL;
// - a sink that records every request sent to /hooks/<id>, readable at GET /requests/<id>, and
//   serves the feed and calendar fixtures at /fixtures/…, plus a calendar of today's events, and
//   the pull requests the fake GitHub was asked for at /forge/pulls;
// - the fake GitHub (tests/fakes/fake-github.ts) at E2E_PORTS.forge with E2E_FORGE's repository
//   (the PR handoff fixture, made fresh at each start) and issue.
// Run: tsx tests/e2e/support/fake-services.ts
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import { createServer, type IncomingMessage } from "node:http";
import path from "node:path";
import { z } from "zod";
import { startScriptedModelServer, type Script, type ScriptedReply, type ScriptedTurn } from "../../../lib/agent/scripted-model/server";
import { replyScript } from "../../../lib/agent/scripted-model/script";
import { findTemplate } from "../../../lib/schedules/templates";
import { recentMonths, startPortal } from "../../fixtures/portal/portal-server";
import { startFakeGithub } from "../../fakes/fake-github";
import { createBareFixtureRepository } from "../../support/fixture-repository";
import { agentTurn, computerTurn, computerUseTask, measurePortal } from "./computer-script";
import { E2E_FORGE, E2E_PORTAL, E2E_PORTS, PLAYBOOK_MARKER, POST_MARKER, POST_REASON, SINK_URL, TODAY_CALENDAR_PATH, TODAY_EVENTS, type SinkRequest } from "./fakes";

const demo = replyScript();
const firstLineOf = (templateId: string) => findTemplate(templateId)!.prompt.split("\n")[0]!;
const BRIEFING_FIRST_LINE = firstLineOf("morning-briefing");
const INVOICES_FIRST_LINE = firstLineOf("export-invoices");

const script: Script = (turn) => {
  const prompt = turn.input.find((item) => item.type === "user")?.text ?? "";
  const computerUse = computerUseTask(prompt);
  if (computerUse) return (turn.tools.includes("computer") ? computerTurn : agentTurn)(turn, computerUse.task, computerUse.wire);
  const firstLine = prompt.split("\n")[0]!.trim();
  if (firstLine === BRIEFING_FIRST_LINE) return briefingScript(turn, prompt);
  if (firstLine === INVOICES_FIRST_LINE) return invoicesScript(turn, prompt);
  const playbook = PLAYBOOK_MARKER.exec(prompt);
  if (playbook) return playbookScript(turn, playbook[1]!, JSON.parse(playbook[2]!) as Record<string, string>);
  const hookId = POST_MARKER.exec(prompt)?.[1];
  if (!hookId) return demo(turn);
  // A later run of the task (a follow-up) sees its earlier answers, not its tool calls: it has
  // already reported, so it answers the message instead of asking again.
  const answered = turn.input.some((item) => item.type === "assistant" && item.toolCalls.length === 0);
  const followUp = turn.input.findLast((item) => item.type === "user")?.text ?? "";
  if (answered) return { text: `# Follow-up\n\nNoted: ${followUp}` };
  const result = turn.input.findLast((item) => item.type === "tool_result");
  if (!result) {
    return {
      text: POST_REASON,
      toolCalls: [
        {
          name: "http_request",
          arguments: { url: `${SINK_URL}/hooks/${hookId}`, method: "POST", body: { text: "Weekly status: all green." } },
        },
      ],
    };
  }
  return { text: `# Weekly status\n\nThe webhook call came back with:\n\n${result.output.slice(0, 600)}` };
};

/** Runs the playbook once, then repeats what the tool said. */
function playbookScript(turn: ScriptedTurn, playbook: string, parameters: Record<string, string>): ScriptedReply {
  const result = turn.input.findLast((item) => item.type === "tool_result");
  if (!result) return { text: `Running ${playbook}.`, toolCalls: [{ name: "run_playbook", arguments: { playbook, parameters } }] };
  return { text: `# ${playbook}\n\n${result.isError ? "It failed" : "It finished"}: ${result.output.slice(0, 600)}` };
}

const playbookOutput = z.object({ csv: z.record(z.string(), z.string()).optional() });

/** The template's run: last month as the instructions date it, then the count and total of the exported CSV. */
function invoicesScript(turn: ScriptedTurn, prompt: string): ScriptedReply {
  const began = /This run began at (\d{4})-(\d{2})/.exec(turn.instructions);
  const playbook = /Run the browser playbook (\S+) with run_playbook/.exec(prompt)?.[1];
  if (!began || !playbook) return { text: "I cannot tell which playbook to run or when this run began." };
  const month = new Date(Date.UTC(Number(began[1]), Number(began[2]) - 2, 1)).toISOString().slice(0, 7);
  const result = turn.input.findLast((item) => item.type === "tool_result");
  if (!result) return { text: `Exporting the invoices of ${month}.`, toolCalls: [{ name: "run_playbook", arguments: { playbook, parameters: { month } } }] };
  const files = result.isError ? undefined : parseOutput(playbookOutput, result.output)?.csv;
  const [name, csv] = Object.entries(files ?? {})[0] ?? [];
  if (!name || !csv) return { text: `# Invoices for ${month}\n\nThe export failed: ${result.output.slice(0, 400)}` };
  const [header, ...rows] = csv.trim().split("\n");
  const amount = header!.split(",").indexOf("amount");
  const total = rows.reduce((sum, row) => sum + Number(row.split(",")[amount]), 0);
  return { text: `# Invoices for ${month}\n\n${rows.length} invoices, ${total.toFixed(2)} in all, saved as ${name}.` };
}

/** The feeds (one URL a line after the line naming read_feed) and calendar a briefing prompt lists. */
function briefingSources(prompt: string): { feeds: string[]; calendar: string | null } {
  const lines = prompt.split("\n").map((line) => line.trim());
  const feeds: string[] = [];
  for (const line of lines.slice(lines.findIndex((text) => text.includes("read_feed")) + 1)) {
    if (!/^https?:\/\/\S+$/.test(line)) break;
    feeds.push(line);
  }
  const calendar = /read_calendar:\s*((?:https?|webcal):\/\/\S+)/.exec(prompt)?.[1] ?? null;
  return { feeds, calendar };
}

/** Turn 1: read every feed and today's calendar (UTC) at once. Then: the brief, from the results. */
function briefingScript(turn: ScriptedTurn, prompt: string): ScriptedReply {
  const calls = new Map(turn.input.flatMap((item) => (item.type === "assistant" ? item.toolCalls : [])).map((call) => [call.id, call]));
  const results = turn.input.flatMap((item) => {
    const call = item.type === "tool_result" ? calls.get(item.callId) : undefined;
    return call && item.type === "tool_result" ? [{ name: call.name, args: call.arguments, output: item.output }] : [];
  });
  if (results.length > 0) return { text: renderBriefing(results) };
  const { feeds, calendar } = briefingSources(prompt);
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const toolCalls = [
    ...feeds.map((url) => ({ name: "read_feed", arguments: { url, limit: 5 } })),
    ...(calendar ? [{ name: "read_calendar", arguments: { url: calendar, from: today, to: tomorrow, timezone: "UTC" } }] : []),
  ];
  return toolCalls.length > 0 ? { text: "Reading your feeds and today's calendar.", toolCalls } : { text: renderBriefing([]) };
}

const feedOutput = z.object({ title: z.string(), items: z.array(z.object({ title: z.string(), link: z.string().nullable() })) });
const calendarOutput = z.object({
  events: z.array(z.object({ summary: z.string(), start: z.string(), allDay: z.boolean(), location: z.string().nullable() })),
});

function parseOutput<T>(schema: z.ZodType<T>, output: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(output));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // a failed call's message, or output cut short
  }
}

/** Text from a feed or calendar, shown as text: markdown in it must not format (or link) anything. */
const plain = (text: string) => text.replace(/\s+/g, " ").trim().replace(/[\\`*_[\]<>#!|~]/g, (char) => `\\${char}`);
const linked = (title: string, link: string | null) =>
  link && /^https?:\/\//.test(link) ? `[${plain(title)}](${link.replace(/[()\s]/g, encodeURIComponent)})` : plain(title);

function renderBriefing(results: { name: string; args: unknown; output: string }[]): string {
  const today: string[] = [];
  const news: string[] = [];
  const problems: string[] = [];
  for (const { name, args, output } of results) {
    const url = z.object({ url: z.string() }).safeParse(args).data?.url ?? "?";
    const calendar = name === "read_calendar" ? parseOutput(calendarOutput, output) : null;
    const feed = name === "read_feed" ? parseOutput(feedOutput, output) : null;
    for (const event of calendar?.events ?? []) {
      const time = event.allDay ? "All day" : (/T(\d\d:\d\d)/.exec(event.start)?.[1] ?? event.start);
      today.push(`- **${time}** ${plain(event.summary)}${event.location ? ` (${plain(event.location)})` : ""}`);
    }
    for (const item of feed?.items ?? []) news.push(`- ${linked(item.title, item.link)} (${plain(feed!.title)})`);
    if (!calendar && !feed) problems.push(`- ${plain(url)}: ${plain(output.slice(0, 200))}`);
  }
  return [
    "# Morning briefing",
    "",
    "## Today",
    "",
    ...(today.length > 0 ? today : ["No events today."]),
    "",
    "## News",
    "",
    ...(news.length > 0 ? news : ["Nothing new in the feeds."]),
    ...(problems.length > 0 ? ["", "## Could not read", "", ...problems] : []),
  ].join("\n");
}

const FIXTURES_DIR = path.resolve(import.meta.dirname, "../../fixtures");

function fixtureContentType(name: string): string {
  if (name.endsWith(".ics")) return "text/calendar; charset=utf-8";
  if (name.endsWith(".html")) return "text/html; charset=utf-8";
  if (name.startsWith("atom")) return "application/atom+xml; charset=utf-8";
  if (name.startsWith("rdf")) return "application/rdf+xml; charset=utf-8";
  return "application/rss+xml; charset=utf-8";
}

/** TODAY_EVENTS on the current UTC day, rendered fresh for each request. */
function todayCalendar(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "");
  const at = (time: string) => `${day}T${time.replace(":", "")}00Z`;
  const events = TODAY_EVENTS.flatMap((event, index) => [
    "BEGIN:VEVENT",
    `UID:e2e-today-${index + 1}@baton.test`,
    `DTSTAMP:${day}T000000Z`,
    `DTSTART:${at(event.start)}`,
    `DTEND:${at(event.end)}`,
    `SUMMARY:${event.title}`,
    `LOCATION:${event.location}`,
    "END:VEVENT",
  ]);
  return ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Baton//e2e fake services//EN", "X-WR-CALNAME:Team (e2e)", ...events, "END:VCALENDAR", ""].join("\r\n");
}

async function main(): Promise<void> {
  const model = await startScriptedModelServer({ script, latencyMs: 1500 }, { port: E2E_PORTS.model });
  const portal = await startPortal({ ...E2E_PORTAL, months: recentMonths(new Date()), port: E2E_PORTS.portal });
  const forgeRoot = await mkdtemp(path.join(os.tmpdir(), "baton-e2e-forge-"));
  const forge = await startFakeGithub({ root: forgeRoot, token: E2E_FORGE.token, port: E2E_PORTS.forge });
  await mkdir(path.join(forgeRoot, "acme"), { recursive: true });
  await createBareFixtureRepository(forge.repositoryPath("acme", "widgets"));
  forge.issues.set(`acme/widgets#${E2E_FORGE.issue.number}`, E2E_FORGE.issue);
  await measurePortal();

  const received = new Map<string, SinkRequest[]>();
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };
  const sink = createServer((req, res) => {
    void (async () => {
      const pathname = new URL(req.url ?? "/", SINK_URL).pathname;
      const hook = /^\/hooks\/([\w-]+)$/.exec(pathname);
      const asked = /^\/requests\/([\w-]+)$/.exec(pathname);
      const fixture = /^\/fixtures\/(feeds|calendar)\/([\w-]+\.(?:xml|ics|html))$/.exec(pathname);
      if (hook) {
        const entry = { method: req.method ?? "", path: pathname, contentType: req.headers["content-type"] ?? null, body: await readBody(req) };
        received.set(hook[1]!, [...(received.get(hook[1]!) ?? []), entry]);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, received: received.get(hook[1]!)!.length }));
      } else if (asked && req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ requests: received.get(asked[1]!) ?? [] }));
      } else if (pathname === TODAY_CALENDAR_PATH && req.method === "GET") {
        res.writeHead(200, { "content-type": "text/calendar; charset=utf-8" }).end(todayCalendar());
      } else if (fixture && req.method === "GET") {
        const file = await readFile(path.join(FIXTURES_DIR, fixture[1]!, fixture[2]!)).catch(() => null);
        if (file) res.writeHead(200, { "content-type": fixtureContentType(fixture[2]!) }).end(file);
        else res.writeHead(404).end();
      } else if (pathname === "/forge/pulls" && req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ pulls: forge.pulls }));
      } else if (pathname === "/health") {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      } else {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => sink.listen(E2E_PORTS.sink, "127.0.0.1", resolve));
  console.log(`[fakes] model at ${model.url}, sink at ${SINK_URL}, portal at ${portal.url}, GitHub at ${forge.url}`);

  const stop = () => {
    sink.closeAllConnections();
    sink.close();
    void Promise.all([model.close(), portal.close(), forge.close()])
      .then(() => rm(forgeRoot, { recursive: true, force: true }))
      .then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(`[fakes] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
