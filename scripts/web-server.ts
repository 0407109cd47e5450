// Baton's web server: Next.js behind a plain Node server that first settles who the client is from
// the socket (lib/http/forwarded.ts), which `next start` cannot. Started by scripts/start.ts:
//   tsx scripts/web-server.ts [--dev] HOST PORT
import { createServer } from "node:http";
import { env } from "../lib/env";
import { applyPeer, parseTrustedProxies } from "../lib/http/forwarded";

async function main(): Promise<void> {
  const dev = process.argv.includes("--dev");
  const [hostname = "127.0.0.1", portText = "3000"] = process.argv.slice(2).filter((arg) => arg !== "--dev");
  const port = Number(portText);
  // As `next start` / `next dev` would; set before Next is loaded, which reads it.
  Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });
  const { default: next } = await import("next");
  const proxies = parseTrustedProxies(env().BATON_TRUSTED_PROXIES);
  const app = next({ dev, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => {
    applyPeer(req.headers, req.socket.remoteAddress ?? "", proxies);
    void handle(req, res);
  });
  // Hot reload's websocket in development.
  if (dev) server.on("upgrade", app.getUpgradeHandler());
  server.on("error", (error) => {
    console.error(`[web] ${error.message}`);
    process.exit(1);
  });
  server.listen(port, hostname, () => console.log(`[web] listening on http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`));
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(`[web] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
