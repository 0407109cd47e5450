// Launching Debian's Chromium (Playwright cannot download its own build here). The browser never
// touches the network itself: every context gets its own egress proxy (egress-proxy.ts), and the
// flags below switch off what would otherwise talk to Google's services, resolve names on its own
// or keep state between runs.
import type { Browser } from "playwright-core";
import { env } from "@/lib/env";

export const CHROMIUM_ARGS = [
  "--disable-extensions",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-domain-reliability",
  "--disable-breakpad",
  "--no-first-run",
  "--no-default-browser-check",
  "--no-pings",
  "--dns-prefetch-disable",
  // Anything that escaped the proxy would need Chromium's own resolver: give it none. The proxy
  // itself is at 127.0.0.1, which Chromium also passes through these rules, hence the exclusion.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
  // WebRTC would otherwise open UDP sockets to any address a page names.
  "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
  "--webrtc-ip-handling-policy=disable_non_proxied_udp",
];

// Chromium refuses to start its sandbox as root (it then needs --no-sandbox, which Playwright passes
// when chromiumSandbox is false). Baton's worker runs as root in its container, so there the isolation
// comes from the fresh context, the egress proxy and the container; as any other user the sandbox stays on.
const runsAsRoot = process.getuid?.() === 0;

export async function launchBrowser(): Promise<Browser> {
  // Loaded at the first launch, not with the worker: importing playwright-core costs a process
  // about 80 MB (measured), and most runs never start a browser.
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: env().BATON_CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    // A context without its own proxy (none is made by lib/browser) goes to a closed port, not the network.
    proxy: { server: "http://127.0.0.1:1" },
    chromiumSandbox: !runsAsRoot,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}
