// read_feed and read_calendar as the registry builds them: through the SSRF-guarded fetcher, from a
// local server on 127.0.0.1 (allowlisted), so the bytes, headers and size cap are the real ones.
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_FETCHED_BYTES } from "@/lib/tools/feeds/fetch-text";
import { builtinTools } from "@/lib/tools/registry";
import type { ToolDefinition } from "@/lib/tools/types";
import { testToolContext } from "../support/tool-context";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/feeds");

const CALENDAR = [
  "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Baton tests//EN",
  "BEGIN:VEVENT", "UID:standup-1", "DTSTAMP:20261201T000000Z", "DTSTART:20261202T090000Z", "DTEND:20261202T093000Z",
  "SUMMARY:Café stand-up", "END:VEVENT", "END:VCALENDAR", "",
].join("\r\n");

let server: http.Server;
let origin: string;
const routes = new Map<string, { body: Buffer; contentType: string }>();

beforeAll(async () => {
  routes.set("/latin1.xml", { body: await readFile(path.join(fixtures, "encodings/iso-8859-1.xml")), contentType: "application/rss+xml" });
  // One byte over the cap, and a well-formed feed up to the cut: a cut-off body would still parse.
  const head = "<rss><channel><title>Big</title><item><title>first</title></item></channel><!--";
  routes.set("/huge.xml", { body: Buffer.from(head.padEnd(MAX_FETCHED_BYTES + 1, "x")), contentType: "application/rss+xml" });
  routes.set("/team.ics", { body: Buffer.from(CALENDAR, "utf8"), contentType: "text/calendar; charset=utf-8" });
  server = http.createServer((request, response) => {
    const route = routes.get(request.url ?? "");
    if (!route) return response.writeHead(404).end();
    response.writeHead(200, { "content-type": route.contentType });
    response.end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const context = testToolContext({ httpAllowlist: ["127.0.0.1/32:*"] });
const tools = builtinTools({
  lookup: async () => {
    throw new Error("no DNS in this test");
  },
});

function tool(name: string): ToolDefinition {
  const found = tools.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no ${name} tool`);
  return found;
}

async function run(name: string, input: Record<string, unknown>) {
  const chosen = tool(name);
  return chosen.run(chosen.input.parse(input), context);
}

describe("feeds and calendars through the guarded fetcher", () => {
  it("hands read_feed the bytes, so a Latin-1 feed sent without a charset reads right", async () => {
    const { output } = await run("read_feed", { url: `${origin}/latin1.xml` });
    expect((output as { items: { title: string }[] }).items.map((item) => item.title)).toEqual(["Café crème à Zürich"]);
  });

  it("refuses a body over the 10 MiB cap instead of reading the part that arrived", async () => {
    await expect(run("read_feed", { url: `${origin}/huge.xml` })).rejects.toThrow(
      `The response from ${new URL(origin).host} is larger than 10485760 bytes.`,
    );
  });

  it("still hands read_calendar the text in the charset the server names", async () => {
    const { output } = await run("read_calendar", { url: `${origin}/team.ics`, from: "2026-12-02", to: "2026-12-03", timezone: "UTC" });
    expect((output as { events: { summary: string }[] }).events.map((event) => event.summary)).toEqual(["Café stand-up"]);
  });
});
