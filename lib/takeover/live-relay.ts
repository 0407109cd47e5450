// The worker's live relay: the page a takeover drives lives in the worker, so the worker serves
// its CDP screencast (SSE) and takes input on a loopback HTTP port that only the web process
// reaches, each request carrying the takeover's relay key. The address goes on the takeover row;
// after a restart the resumed wait attaches again and writes the new worker's address.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CDPSession, Page } from "playwright-core";
import { currentRunPage } from "@/lib/computer-use/run-browsers";
import type { Db } from "@/lib/db";
import { instanceSecrets } from "@/lib/secrets/instance-secrets";
import { dispatchLiveInput, liveInputSchema } from "./live-input";
import { relayKeyMatches } from "./relay-key";

export interface LiveFrame {
  /** A JPEG, base64. */
  data: string;
  /** The page's viewport in CSS pixels: the viewer maps its image onto these. */
  width: number;
  height: number;
  /** When the page painted it (ms since the epoch). */
  paintedAt: number;
}

interface Attached {
  runId: string;
  cdp?: { page: Page; session: Promise<CDPSession> };
}

type PageFor = (runId: string) => Page | undefined;

const attached = new Map<string, Attached>();
let running: Promise<{ server: Server; url: string }> | null = null;
let pageFor: PageFor = currentRunPage;

/** Tests (and the bench) drive a page they opened themselves. */
export function setRelayPageSource(source: PageFor): void {
  pageFor = source;
}

/** Serves the run's page for this takeover from this process; records where on the row. */
export async function attachLiveView(db: Db, params: { takeoverId: string; runId: string }): Promise<string> {
  const { url } = await (running ??= startRelay(db));
  attached.set(params.takeoverId, { runId: params.runId });
  await db.takeover.update({ where: { id: params.takeoverId }, data: { relayUrl: url } });
  return url;
}

export function detachLiveView(takeoverId: string): void {
  const entry = attached.get(takeoverId);
  attached.delete(takeoverId);
  void entry?.cdp?.session.then((session) => session.detach()).catch(() => undefined);
}

export async function stopLiveRelay(): Promise<void> {
  const current = running;
  running = null;
  attached.clear();
  if (current) await current.then(({ server }) => new Promise<void>((resolve) => server.close(() => resolve())));
}

function startRelay(db: Db): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    handle(db, request, response).catch((error: unknown) => {
      console.error("Takeover relay:", error);
      if (!response.headersSent) response.writeHead(500).end();
      else response.end();
    });
  });
  // The page has no reason to be slow to answer, but an SSE stream lives as long as the takeover.
  server.requestTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

async function cdpFor(entry: Attached, page: Page): Promise<CDPSession> {
  if (!entry.cdp || entry.cdp.page !== page) entry.cdp = { page, session: page.context().newCDPSession(page) };
  return entry.cdp.session;
}

async function handle(db: Db, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const match = /^\/takeovers\/([0-9a-f-]{36})\/(frames|input)$/.exec(request.url ?? "");
  const entry = match?.[1] ? attached.get(match[1]) : undefined;
  const { authSecret } = await instanceSecrets(db);
  if (!match?.[1] || !entry || !relayKeyMatches(authSecret, match[1], String(request.headers["x-takeover-key"] ?? ""))) {
    response.writeHead(404).end();
    return;
  }
  const page = pageFor(entry.runId);
  if (!page) {
    response.writeHead(409, { "content-type": "text/plain" }).end("The run's browser is not open in this worker yet.");
    return;
  }
  if (match[2] === "frames" && request.method === "GET") return streamFrames(db, match[1], entry, page, response);
  if (match[2] === "input" && request.method === "POST") {
    const input = liveInputSchema.safeParse(JSON.parse((await readBody(request)) || "null"));
    if (!input.success) {
      response.writeHead(400).end();
      return;
    }
    const typed = await dispatchLiveInput(await cdpFor(entry, page), input.data);
    if (typed > 0) await db.takeover.update({ where: { id: match[1] }, data: { keystrokes: { increment: typed } } });
    response.writeHead(204).end();
    return;
  }
  response.writeHead(405).end();
}

async function streamFrames(db: Db, takeoverId: string, entry: Attached, page: Page, response: ServerResponse): Promise<void> {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
  const cdp = await page.context().newCDPSession(page);
  const visited = async (url: string) => {
    const row = await db.takeover.findUnique({ where: { id: takeoverId }, select: { pages: true } });
    if (row && row.pages.at(-1) !== url && url !== "about:blank") await db.takeover.update({ where: { id: takeoverId }, data: { pages: { push: url } } });
  };
  const onNavigated = (frame: ReturnType<Page["mainFrame"]>) => {
    if (frame === page.mainFrame()) void visited(frame.url()).catch(() => undefined);
  };
  page.on("framenavigated", onNavigated);
  await visited(page.url());
  cdp.on("Page.screencastFrame", (event) => {
    const frame: LiveFrame = {
      data: event.data,
      width: event.metadata.deviceWidth,
      height: event.metadata.deviceHeight,
      paintedAt: Math.round((event.metadata.timestamp ?? Date.now() / 1000) * 1000),
    };
    response.write(`event: frame\ndata: ${JSON.stringify(frame)}\n\n`);
    void cdp.send("Page.screencastFrameAck", { sessionId: event.sessionId }).catch(() => undefined);
  });
  const stop = () => {
    page.off("framenavigated", onNavigated);
    void cdp.detach().catch(() => undefined);
    response.end();
  };
  response.on("close", stop);
  page.once("close", stop);
  await cdp.send("Page.startScreencast", { format: "jpeg", quality: 70, everyNthFrame: 1 });
  if (!attached.has(takeoverId) || entry !== attached.get(takeoverId)) stop();
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) request.destroy(new Error("too large"));
    });
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });
}
