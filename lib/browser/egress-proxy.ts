// The only way out for a browser context: an HTTP proxy on loopback that checks every connection
// Chromium makes (navigations, subresources, each redirect hop, popups, downloads, preconnects)
// against the destination rules, resolves the host once and dials that address, so a DNS answer
// that changes after the check (rebinding) cannot reach a refused address. Playwright's routing
// sees requests first and refuses them with their full URL; redirect hops never reach a route
// handler, which is why this proxy exists. HTTPS arrives as CONNECT host:port, so its refusals name
// the origin only. Bytes from the far side are counted here, all of them, for the run's byte limit.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { checkDestination, type DestinationRules } from "./destination-check";

export interface EgressProxyEvents {
  refused(url: string, reason: string): void;
  /** Called with every chunk's size from the far side; the session decides when that is too much. */
  received(bytes: number): void;
}

export interface EgressProxy {
  server: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = ["proxy-connection", "proxy-authorization", "connection", "keep-alive", "te", "trailer", "upgrade"];

function forwardHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const copy: http.OutgoingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}

export async function startEgressProxy(rules: DestinationRules, events: EgressProxyEvents): Promise<EgressProxy> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };

  const server = http.createServer((request, response) => {
    const target = request.url ?? "";
    void checkDestination(target, rules).then((verdict) => {
      if (!verdict.allowed) {
        events.refused(target, verdict.reason);
        response.writeHead(403, { "content-type": "text/plain" }).end(`Refused by Baton: ${verdict.reason}`);
        return;
      }
      const url = new URL(target);
      const upstream = http.request({
        host: verdict.address.address,
        family: verdict.address.family,
        port: url.port || 80,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: { ...forwardHeaders(request.headers), host: url.host },
        agent: false,
      });
      upstream.on("socket", track);
      upstream.on("response", (reply) => {
        reply.on("data", (chunk: Buffer) => events.received(chunk.length));
        response.writeHead(reply.statusCode ?? 502, reply.rawHeaders);
        reply.pipe(response);
      });
      upstream.on("error", () => response.destroy());
      request.pipe(upstream);
    });
  });

  server.on("connection", track);
  server.on("connect", (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = `https://${request.url ?? ""}/`;
    void checkDestination(target, rules).then((verdict) => {
      if (!verdict.allowed) {
        events.refused(target, verdict.reason);
        client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
        return;
      }
      const url = new URL(target);
      const upstream = net.connect({ host: verdict.address.address, port: Number(url.port || 443), family: verdict.address.family });
      track(upstream);
      upstream.once("connect", () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (head.length) upstream.write(head);
        upstream.on("data", (chunk: Buffer) => events.received(chunk.length));
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
  });
  // WebSockets over plain http arrive as upgrades; the runtime has no use for them.
  server.on("upgrade", (request: http.IncomingMessage, client: net.Socket) => {
    events.refused(request.url ?? "", "WebSocket connections are not supported by the browser runtime");
    client.destroy();
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
