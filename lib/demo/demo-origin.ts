// Where Baton's own demo sources live: under /demo/ on the web server's loopback address, which
// the web process and the worker both know from PORT and BATON_HOST (scripts/start.ts starts them
// with the same environment). The agent's tools may reach exactly this origin and path prefix.
import { env } from "@/lib/env";
import type { EgressOpening } from "@/lib/tools/http/ssrf-guard";

export const DEMO_PATH_PREFIX = "/demo/";

export interface DemoSources {
  feedUrl: string;
  calendarUrl: string;
  metricsUrl: string;
  sinkUrl: string;
}

/** The web server as this machine reaches it: a wildcard listen address is reached on loopback. */
export function localWebOrigin(): string {
  const { BATON_HOST, PORT } = env();
  const host = ["0.0.0.0", "::"].includes(BATON_HOST) ? "127.0.0.1" : BATON_HOST;
  return `http://${host.includes(":") ? `[${host}]` : host}:${PORT}`;
}

export function demoSources(origin: string = localWebOrigin()): DemoSources {
  return {
    feedUrl: `${origin}/demo/feed.xml`,
    calendarUrl: `${origin}/demo/calendar.ics`,
    metricsUrl: `${origin}/demo/metrics.json`,
    sinkUrl: `${origin}/demo/sink`,
  };
}

/** The one hole in the SSRF guard the demo needs: this origin, this path prefix, nothing else. */
export function demoEgressOpening(origin: string = localWebOrigin()): EgressOpening {
  return { origin, pathPrefix: DEMO_PATH_PREFIX };
}
