// The web side for `npm run bench`: the built Next app (scripts/web-server.ts, as `npm start` runs
// it) on the bench's Postgres, signed in the way a browser is (next-auth's CSRF token, then the
// password callback), timed over HTTP: GET /api/tasks's first page, and the SSE fan-out with many
// open /api/events streams (the web process's CPU and memory, and how late a change reaches them).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { hashPassword } from "../../lib/auth/password";
import type { Db } from "../../lib/db";
import { cpuSeconds, percentile, rssMiB } from "./measure";

export interface WebServer {
  url: string;
  pid: number;
  close(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, "../..");

export async function startWeb(databaseUrl: string, port: number, nodeArgs: string[] = []): Promise<WebServer> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "scripts/web-server.ts", "127.0.0.1", String(port)], {
    cwd: root,
    env: {
      NODE_ENV: "production",
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      // Its own session key: otherwise the first process to sign someone in stores one, sealed with
      // the secret key of its data folder, which the bench's workers then share.
      BATON_AUTH_SECRET: randomBytes(32).toString("base64url"),
      NEXT_TELEMETRY_DISABLED: "1",
      AUTH_TRUST_HOST: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the web server exited (${child.exitCode}); is there a build (npm run build)?\n${output}`);
    if (Date.now() > deadline) throw new Error(`the web server did not answer /api/health:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: child.pid!,
    async close() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
    },
  };
}

/** A user who can sign in with a password (the bench's tasks belong to users it makes itself). */
export async function createPasswordUser(db: Db, name: string): Promise<{ id: string; email: string; password: string }> {
  const email = `${name}-${Date.now()}@bench.invalid`;
  const password = "bench password for a throwaway user";
  const user = await db.user.create({ data: { email, name, passwordHash: await hashPassword(password) }, select: { id: true } });
  return { id: user.id, email, password };
}

/** The session cookie header, as a browser holds it after signing in. */
export async function signIn(web: WebServer, credentials: { email: string; password: string }): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const csrf = await fetch(`${web.url}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const form = new URLSearchParams({ csrfToken, email: credentials.email, password: credentials.password, json: "true" });
  const signed = await fetch(`${web.url}/api/auth/callback/password`, {
    method: "POST",
    headers: { cookie: cookie(), "content-type": "application/x-www-form-urlencoded", origin: web.url },
    body: form,
    redirect: "manual",
  });
  keep(signed);
  if (![...jar.keys()].some((name) => name.includes("session-token"))) throw new Error(`sign-in refused (${signed.status})`);
  return cookie();
}

/** `rounds` sequential GETs of `route` (after 10 that warm Next's route and the pools): p50 and p99 in ms. */
export async function timeRoute(web: WebServer, route: string, cookie: string | undefined, rounds: number): Promise<{ p50: number; p99: number; body: unknown }> {
  const samples: number[] = [];
  let body: unknown;
  for (let round = 0; round < rounds + 10; round++) {
    const started = performance.now();
    const response = await fetch(`${web.url}${route}`, { headers: cookie ? { cookie } : {} });
    body = await response.json();
    if (!response.ok) throw new Error(`GET ${route}: ${response.status} ${JSON.stringify(body)}`);
    if (round >= 10) samples.push(performance.now() - started);
  }
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), body };
}

/** `rounds` sequential GET /api/tasks (first page, as the inbox asks for it). */
export async function timeTasksApi(web: WebServer, cookie: string, rounds: number): Promise<{ p50: number; p99: number; tasksOnPage: number }> {
  const { p50, p99, body } = await timeRoute(web, "/api/tasks?limit=20", cookie, rounds);
  return { p50, p99, tasksOnPage: (body as { tasks?: unknown[] }).tasks?.length ?? 0 };
}

const OPEN_WAVE = 50;

export interface FanoutFigures {
  connections: number;
  idleRssMiB: number;
  openRssMiB: number;
  idleCpuPercent: number;
  changes: number;
  webCpuMsPerChange: number;
  deliveryP50: number;
  deliveryP99: number;
  missed: number;
}

/**
 * Opens `connections` event streams of one user, then makes `changes` tasks one after another
 * (`makeChange` resolves with the new task's id once committed) and times, on every stream, when
 * the first event naming that task arrived.
 */
export async function benchFanout(
  web: WebServer,
  cookie: string,
  connections: number,
  changes: number,
  makeChange: () => Promise<string>,
): Promise<FanoutFigures> {
  const idleRssMiB = rssMiB(web.pid) ?? 0;
  // One socket per stream (node:http's default agent has no cap), as that many tabs would hold.
  const seen: Map<string, number>[] = [];
  const responses: IncomingMessage[] = [];
  let ready = 0;
  let failure: Error | undefined;
  const open = () => {
    const arrivals = new Map<string, number>();
    seen.push(arrivals);
    const request = httpRequest(`${web.url}/api/events`, { headers: { cookie, accept: "text/event-stream" } }, (response) => {
      responses.push(response);
      if (response.statusCode !== 200) failure ??= new Error(`GET /api/events: ${response.statusCode}`);
      response.setEncoding("utf8");
      let buffer = "";
      let counted = false;
      response.on("data", (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!counted && message.includes("event: ready")) {
            counted = true;
            ready++;
          }
          const taskId = /"taskId":"([^"]+)"/.exec(message)?.[1];
          if (taskId && !arrivals.has(taskId)) arrivals.set(taskId, performance.now());
        }
      });
      response.on("error", () => {});
    });
    request.on("error", (error) => (failure ??= error));
    request.end();
  };
  // In waves, as tabs open over time: 500 sign-in checks at the same instant only measure the
  // web process's database pool (under load, some then answer 500).
  const openDeadline = Date.now() + 180_000;
  for (let opened = 0; opened < connections; ) {
    const wave = Math.min(OPEN_WAVE, connections - opened);
    for (let n = 0; n < wave; n++) open();
    opened += wave;
    while (ready < opened) {
      if (failure) throw failure;
      if (Date.now() > openDeadline) throw new Error(`only ${ready} of ${connections} event streams opened`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const openRssMiB = rssMiB(web.pid) ?? 0;
  const idleBefore = cpuSeconds(web.pid);
  const idleStarted = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idleCpuPercent = ((cpuSeconds(web.pid) - idleBefore) / ((performance.now() - idleStarted) / 1000)) * 100;

  const delays: number[] = [];
  let missed = 0;
  const cpuBefore = cpuSeconds(web.pid);
  for (let change = 0; change < changes; change++) {
    const madeAt = performance.now();
    const taskId = await makeChange();
    // Each change is waited for on every stream (or 5 s), so changes do not queue behind each other.
    const waitUntil = performance.now() + 5000;
    while (seen.some((arrivals) => !arrivals.has(taskId)) && performance.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const arrivals of seen) {
      const at = arrivals.get(taskId);
      if (at === undefined) missed++;
      else delays.push(at - madeAt);
    }
  }
  const webCpuMsPerChange = ((cpuSeconds(web.pid) - cpuBefore) * 1000) / changes;
  for (const response of responses) response.destroy();
  return {
    connections,
    idleRssMiB,
    openRssMiB,
    idleCpuPercent,
    changes,
    webCpuMsPerChange,
    deliveryP50: delays.length ? percentile(delays, 0.5) : NaN,
    deliveryP99: delays.length ? percentile(delays, 0.99) : NaN,
    missed,
  };
}
