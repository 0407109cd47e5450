// The SSRF guard's narrow opening for Baton's own demo sources: exactly one origin and path
// prefix get through; every other path, port, scheme or loopback address is still refused.
import { describe, expect, it } from "vitest";
import { demoEgressOpening, DEMO_PATH_PREFIX } from "@/lib/demo/demo-origin";
import { insideOpening, resolvePinnedAddress } from "@/lib/tools/http/ssrf-guard";
import { createHttpRequestTool } from "@/lib/tools/http/http-request-tool";
import { startDemoSourcesServer } from "../support/demo-sources-server";
import { testToolContext } from "../support/tool-context";

const ORIGIN = "http://127.0.0.1:3000";
const openings = [{ origin: ORIGIN, pathPrefix: DEMO_PATH_PREFIX }];

const pin = (url: string) => resolvePinnedAddress(new URL(url), { allowlist: [], openings });

describe("the demo opening", () => {
  it("lets the exact origin and prefix through to loopback", async () => {
    await expect(pin(`${ORIGIN}/demo/feed.xml`)).resolves.toEqual({ address: "127.0.0.1", family: 4 });
    await expect(pin(`${ORIGIN}/demo/sink/rcpt_1?x=1`)).resolves.toEqual({ address: "127.0.0.1", family: 4 });
  });

  it.each([
    ["another path on the same origin", `${ORIGIN}/api/tasks`],
    ["the prefix without its slash", `${ORIGIN}/demo`],
    ["a look-alike prefix", `${ORIGIN}/demonstration/feed.xml`],
    ["dot segments out of the prefix", `${ORIGIN}/demo/../api/tasks`],
    ["encoded dot segments", `${ORIGIN}/demo/%2e%2e/api/tasks`],
    ["an encoded slash", `${ORIGIN}/demo/..%2fapi%2ftasks`],
    ["another port", "http://127.0.0.1:3001/demo/feed.xml"],
    ["another scheme", "https://127.0.0.1:3000/demo/feed.xml"],
    ["another loopback address", "http://127.0.0.2:3000/demo/feed.xml"],
    ["loopback by another name", "http://[::1]:3000/demo/feed.xml"],
    ["credentials in the URL", "http://user:pw@127.0.0.1:3000/demo/feed.xml"],
    ["metadata address", "http://169.254.169.254/demo/feed.xml"],
  ])("refuses %s", async (_what, url) => {
    await expect(pin(url)).rejects.toThrow(/Refused/);
  });

  it("opens nothing when no opening is configured", async () => {
    await expect(resolvePinnedAddress(new URL(`${ORIGIN}/demo/feed.xml`), { allowlist: [] })).rejects.toThrow(/loopback/);
    expect(insideOpening(new URL(`${ORIGIN}/demo/feed.xml`), [])).toBe(false);
  });

  it("the http_request tool reaches the served demo sources through it, and nothing else on that server", async () => {
    const server = await startDemoSourcesServer();
    try {
      const tool = createHttpRequestTool();
      const context = testToolContext({ httpOpenings: [demoEgressOpening(server.origin)] });
      const read = await tool.run(tool.input.parse({ url: `${server.origin}/demo/metrics.json` }), context);
      expect(read.output).toMatchObject({ status: 200, body: { metrics: expect.arrayContaining([expect.objectContaining({ metric: "Sign-ups" })]) } });
      await expect(tool.run(tool.input.parse({ url: `${server.origin}/other` }), context)).rejects.toThrow(/Refused: 127\.0\.0\.1 is a loopback address/);
      expect(server.requests).toEqual(["GET /demo/metrics.json"]);
    } finally {
      await server.close();
    }
  });
});
