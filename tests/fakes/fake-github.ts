// A fake GitHub on 127.0.0.1 speaking the real protocols, so Octokit and the git CLI run as they
// would against github.com: the REST endpoints Baton uses (under /api/v3, as GitHub Enterprise
// Server serves them), and git's smart HTTP for clone and push through git's own http-backend,
// over bare repositories on disk. Every request needs the one token (Basic for git, token or
// Bearer for the API); each request is recorded with the credentials it carried.
import { execFileSync, spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { readBody } from "./read-body";

export interface FakePullRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  html_url: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  authorized: boolean;
}

export interface FakeGithub {
  url: string;
  /** Where a test's bare repository owner/name.git lives. */
  repositoryPath(owner: string, name: string): string;
  /** The clone URL of owner/name. */
  cloneUrl(owner: string, name: string): string;
  pulls: FakePullRequest[];
  issues: Map<string, { number: number; title: string; body: string }>;
  requests: FakeRequest[];
  close(): Promise<void>;
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

/** Runs git http-backend as a CGI program for one request. */
async function gitHttpBackend(root: string, request: http.IncomingMessage, response: http.ServerResponse, url: URL): Promise<void> {
  const body = await readBody(request);
  const child = spawn("git", ["http-backend"], {
    env: {
      NODE_ENV: process.env.NODE_ENV,
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: request.method ?? "GET",
      CONTENT_TYPE: request.headers["content-type"] ?? "",
      CONTENT_LENGTH: String(body.byteLength),
      HTTP_CONTENT_ENCODING: String(request.headers["content-encoding"] ?? ""),
      GIT_PROTOCOL: String(request.headers["git-protocol"] ?? ""),
      // Set, so receive-pack (push) is enabled as on an authenticated server.
      REMOTE_USER: "x-access-token",
      REMOTE_ADDR: "127.0.0.1",
    },
  });
  // http-backend may answer (and exit) without reading a body it does not need, as a CGI may.
  child.stdin.on("error", () => {});
  child.stdin.end(body);
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => child.on("close", resolve));
  const output = Buffer.concat(chunks);
  const split = output.indexOf("\r\n\r\n");
  const headerText = output.subarray(0, split).toString("latin1");
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of headerText.split("\r\n")) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  response.writeHead(status, headers);
  response.end(output.subarray(split + 4));
}

export async function startFakeGithub(options: {
  root: string;
  token: string;
  /** Runs after a pull request is created and before the answer goes back (a test kills the caller there). */
  afterPullCreated?: (pull: FakePullRequest) => Promise<void>;
  /** A fixed port (the e2e fakes'); any free one by default. */
  port?: number;
}): Promise<FakeGithub> {
  const pulls: FakePullRequest[] = [];
  const issues = new Map<string, { number: number; title: string; body: string }>();
  const requests: FakeRequest[] = [];
  let baseUrl = "";

  const server = http.createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const auth = request.headers.authorization ?? "";
      if (url.pathname.startsWith("/api/v3/")) {
        const authorized = auth === `token ${options.token}` || auth === `Bearer ${options.token}`;
        requests.push({ method: request.method ?? "GET", path: url.pathname + url.search, authorized });
        if (!authorized) return json(response, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
        const pullsMatch = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(url.pathname);
        if (pullsMatch && request.method === "GET") {
          const head = url.searchParams.get("head");
          return json(response, 200, pulls.filter((pull) => !head || `${pullsMatch[1]}:${pull.head}` === head).map((pull) => ({ ...pull, head: { ref: pull.head }, base: { ref: pull.base }, state: "open" })));
        }
        if (pullsMatch && request.method === "POST") {
          const input = JSON.parse((await readBody(request)).toString("utf8")) as { title?: string; body?: string; head?: string; base?: string; draft?: boolean };
          const repository = path.join(options.root, pullsMatch[1]!, `${pullsMatch[2]}.git`);
          const has = (branch: string | undefined) => {
            try {
              execFileSync("git", ["--git-dir", repository, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`], { stdio: "ignore" });
              return true;
            } catch {
              return false;
            }
          };
          if (!input.title || !input.head || !input.base) return json(response, 422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "missing_field" }] });
          if (!has(input.head) || !has(input.base)) return json(response, 422, { message: "Validation Failed", errors: [{ resource: "PullRequest", field: "head", code: "invalid" }] });
          if (pulls.some((pull) => pull.head === input.head)) return json(response, 422, { message: "Validation Failed", errors: [{ message: `A pull request already exists for ${pullsMatch[1]}:${input.head}.` }] });
          const number = pulls.length + 1;
          const pull: FakePullRequest = { number, title: input.title, body: input.body ?? "", head: input.head, base: input.base, draft: input.draft === true, html_url: `${baseUrl}/${pullsMatch[1]}/${pullsMatch[2]}/pull/${number}` };
          pulls.push(pull);
          await options.afterPullCreated?.(pull);
          return json(response, 201, { ...pull, head: { ref: pull.head }, base: { ref: pull.base }, state: "open" });
        }
        const issueMatch = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/.exec(url.pathname);
        if (issueMatch && request.method === "GET") {
          const issue = issues.get(`${issueMatch[1]}/${issueMatch[2]}#${issueMatch[3]}`);
          if (!issue) return json(response, 404, { message: "Not Found" });
          return json(response, 200, { ...issue, html_url: `${baseUrl}/${issueMatch[1]}/${issueMatch[2]}/issues/${issue.number}`, state: "open" });
        }
        return json(response, 404, { message: "Not Found" });
      }
      const basic = auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString("utf8") : "";
      const authorized = basic.slice(basic.indexOf(":") + 1) === options.token;
      requests.push({ method: request.method ?? "GET", path: url.pathname + url.search, authorized });
      if (!authorized) {
        response.writeHead(401, { "www-authenticate": 'Basic realm="GitHub"' });
        return response.end();
      }
      await gitHttpBackend(options.root, request, response, url);
    })().catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { message: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    repositoryPath: (owner, name) => path.join(options.root, owner, `${name}.git`),
    cloneUrl: (owner, name) => `${baseUrl}/${owner}/${name}.git`,
    pulls,
    issues,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
