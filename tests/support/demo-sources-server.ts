// Baton's demo sources (lib/demo/serve-demo.ts, what app/demo/[...path] serves) on a plain Node
// server, for tests that run tools or a worker without the Next app.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { serveDemo } from "@/lib/demo/serve-demo";
import { DEMO_PATH_PREFIX } from "@/lib/demo/demo-origin";

export interface DemoSourcesServer {
  origin: string;
  port: number;
  /** Method and path of every request, in arrival order. */
  requests: string[];
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}

/** `now` fixes the sources' clock (the feed's dates) for tests that fix the script's. */
export async function startDemoSourcesServer(options: { port?: number; now?: () => Date } = {}): Promise<DemoSourcesServer> {
  const requests: string[] = [];
  let origin = "";
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", origin);
    requests.push(`${req.method} ${url.pathname}`);
    const response = url.pathname.startsWith(DEMO_PATH_PREFIX)
      ? serveDemo(toRequest(req, origin), url.pathname.slice(DEMO_PATH_PREFIX.length), origin, options.now?.())
      : Promise.resolve(Response.json({ error: { message: "not a demo path" } }, { status: 404 }));
    void response.then(async (answer) => {
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${actual}`;
  return {
    origin,
    port: actual,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
