// The one way out of a sandbox whose template lists package registries: an HTTP proxy on a unix
// socket, outside the sandbox, that the command reaches through a forwarder inside its own network
// namespace (bubblewrap keeps --unshare-net, so there is no other route). It lets through a
// CONNECT (HTTPS) or a plain-http request only to a listed host and port, resolves the name once
// itself, applies the http tool's SSRF rule to the address (a listed name that resolves to a
// private or metadata address is refused unless the admin allowlisted it) and connects to that
// checked address. Everything else is answered 403 and recorded, so the timeline can say what was refused.
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { resolvePinnedAddress, type LookupFn } from "@/lib/tools/http/ssrf-guard";
import { registryAllows } from "./registry-hosts";

export interface RegistryProxyOptions {
  hosts: readonly string[];
  /** The admin's allowlist (BATON_HTTP_ALLOWLIST) for addresses the SSRF rule refuses. */
  allowlist: readonly string[];
  /** Injectable so tests map a registry's name to a local fake, never real DNS. */
  lookup?: LookupFn;
}

export interface RegistryProxy {
  socketPath: string;
  /** host:port pairs let through, and refused, in order, once each. */
  reached: string[];
  refused: string[];
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 15_000;

/** A CONNECT's "host:port" (the port is required there). */
function connectTarget(authority: string): { host: string; port: number } | null {
  const match = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(authority);
  return match ? { host: match[1]!.toLowerCase(), port: Number(match[2]) } : null;
}

/** A plain-http proxy request's absolute URL. */
function httpTarget(text: string): { host: string; port: number } | null {
  try {
    const url = new URL(text);
    return url.protocol === "http:" ? { host: url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase(), port: url.port ? Number(url.port) : 80 } : null;
  } catch {
    return null;
  }
}

export async function startRegistryProxy(options: RegistryProxyOptions): Promise<RegistryProxy> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "baton-registry-proxy-"));
  const socketPath = path.join(dir, `proxy-${randomBytes(6).toString("hex")}.sock`);
  const reached = new Set<string>();
  const refused = new Set<string>();
  // CONNECT tunnels leave the server's bookkeeping: closed by hand with the proxy.
  const tunnels = new Set<net.Socket>();

  /** The checked address to connect to, or null (recorded as refused). */
  async function check(host: string, port: number, scheme: "https" | "http"): Promise<string | null> {
    const name = `${host}:${port}`;
    if (!registryAllows(options.hosts, host, port)) {
      refused.add(name);
      return null;
    }
    try {
      const { address } = await resolvePinnedAddress(new URL(`${scheme}://${host}:${port}/`), { allowlist: options.allowlist, lookup: options.lookup });
      reached.add(name);
      return address;
    } catch {
      refused.add(name);
      return null;
    }
  }

  const server = http.createServer((request, response) => {
    // A plain-http request in proxy form: "GET http://host/path".
    void (async () => {
      const wanted = request.url ? httpTarget(request.url) : null;
      const address = wanted ? await check(wanted.host, wanted.port, "http") : null;
      if (!wanted || !address) {
        response.writeHead(403, { "content-type": "text/plain" }).end("Baton's sandbox proxy: that host is not one of this task's package registries.\n");
        return;
      }
      const url = new URL(request.url!);
      const upstream = http.request(
        { host: address, port: wanted.port, method: request.method, path: `${url.pathname}${url.search}`, headers: { ...request.headers, host: url.host }, timeout: CONNECT_TIMEOUT_MS },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on("error", () => (response.headersSent ? response.destroy() : response.writeHead(502).end()));
      upstream.on("timeout", () => upstream.destroy());
      request.pipe(upstream);
    })();
  });

  server.on("connect", (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    client.on("error", () => {});
    tunnels.add(client);
    client.on("close", () => tunnels.delete(client));
    void (async () => {
      const wanted = connectTarget(request.url ?? "");
      const address = wanted ? await check(wanted.host, wanted.port, "https") : null;
      if (!wanted || !address) {
        client.end("HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nBaton's sandbox proxy: that host is not one of this task's package registries.\n");
        return;
      }
      const upstream = net.connect({ host: address, port: wanted.port, timeout: CONNECT_TIMEOUT_MS });
      upstream.on("timeout", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      upstream.once("connect", () => {
        upstream.setTimeout(0);
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, resolve);
  });
  // The sandbox's uid connects to it through a bind mount; the folder around it stays Baton's (0700).
  await chmod(socketPath, 0o666);
  return {
    socketPath,
    get reached() {
      return [...reached];
    },
    get refused() {
      return [...refused];
    },
    async close() {
      server.closeAllConnections();
      for (const tunnel of tunnels) tunnel.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
