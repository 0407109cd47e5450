// MCP servers through the official SDK: a stdio server in a child process and a streamable HTTP
// server on loopback; their tools become agent tools with risk from their annotations, read with
// the MCP specification's defaults. Servers that misbehave: mcp-faults.test.ts.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { mcpConfigSchema } from "@/lib/tools/mcp/config";
import { connectMcpServers, type McpConnection } from "@/lib/tools/mcp/connect-mcp";
import { isIdempotent, mcpRisk } from "@/lib/tools/mcp/tool-annotations";
import { toolSpecs } from "@/lib/tools/registry";
import { ToolError } from "@/lib/tools/types";
import { testToolContext } from "../support/tool-context";

const root = path.resolve(import.meta.dirname, "..", "..");
let connection: McpConnection;
let httpServer: Server;
const warnings: string[] = [];

beforeAll(async () => {
  // Stateless streamable HTTP: a fresh server and transport per request, as the SDK recommends.
  httpServer = createServer((req, res) => {
    const mcp = new McpServer({ name: "weather", version: "1.0.0" });
    mcp.registerTool(
      "forecast",
      { description: "Tomorrow's forecast for a city", inputSchema: { city: z.string() }, annotations: { readOnlyHint: true } },
      async ({ city }) => ({ content: [{ type: "text", text: `Sunny in ${city}` }] }),
    );
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void Promise.allSettled([transport.close(), mcp.close()]));
    void mcp.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;

  connection = await connectMcpServers(
    mcpConfigSchema.parse({
      servers: {
        notes: { command: process.execPath, args: ["--import", "tsx", path.join(root, "tests/fixtures/mcp/notes-server.ts")], cwd: root },
        weather: { url: `http://127.0.0.1:${port}/mcp` },
        broken: { command: path.join(root, "no-such-mcp-server"), args: [] },
      },
    }),
    (line) => warnings.push(line),
  );
}, 60_000);

afterAll(async () => {
  await connection?.close();
  httpServer?.closeAllConnections();
  httpServer?.close();
});

const tool = (name: string) => {
  const found = connection.tools.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no tool ${name}; have ${connection.tools.map((t) => t.name).join(", ")}`);
  return found;
};

describe("MCP tools", () => {
  it("lists the tools of every reachable server and skips a broken one with a warning", () => {
    expect(connection.tools.map((t) => t.name).sort()).toEqual(["notes__add_note", "notes__delete_note", "notes__list_notes", "weather__forecast"]);
    expect(connection.unavailable).toEqual([{ server: "broken", reason: expect.stringContaining("ENOENT") }]);
    expect(warnings.join("\n")).toMatch(/MCP server "broken" did not start: .*ENOENT/);
  });

  it("classifies risk from annotations as listed by the server: a tool that says nothing may destroy", () => {
    expect(tool("notes__list_notes").risk({})).toBe("read");
    expect(tool("notes__delete_note").risk({ id: "1" })).toBe("destructive");
    // add_note has no annotations: the specification's defaults make it destructive, not merely external.
    expect(tool("notes__add_note").risk({ text: "x" })).toBe("destructive");
    expect(tool("notes__add_note").idempotent({ text: "x" })).toBe(false);
    expect(tool("weather__forecast").risk({ city: "Oslo" })).toBe("read");
  });

  // The table in the README, row by row: a missing hint counts as its specified default
  // (readOnlyHint false, destructiveHint true, idempotentHint false, openWorldHint true).
  it.each([
    [{}, "destructive", false],
    [{ readOnlyHint: true }, "read", true],
    [{ readOnlyHint: true, destructiveHint: true, idempotentHint: false }, "read", true],
    [{ readOnlyHint: false }, "destructive", false],
    [{ destructiveHint: true, idempotentHint: true }, "destructive", true],
    [{ destructiveHint: false }, "external", false],
    [{ destructiveHint: false, idempotentHint: true }, "external", true],
    [{ destructiveHint: false, openWorldHint: false }, "external", false],
  ] as const)("annotations %j: risk %s, safe to repeat %s", (annotations, risk, idempotent) => {
    expect(mcpRisk(annotations)).toBe(risk);
    expect(isIdempotent(annotations)).toBe(idempotent);
  });

  it("validates arguments with the server's own JSON schema and hands that schema to the model", () => {
    expect(tool("notes__add_note").input.safeParse({ text: "" }).success).toBe(false);
    expect(tool("notes__add_note").input.safeParse({ text: "milk" }).success).toBe(true);
    const spec = toolSpecs([tool("weather__forecast")])[0]!;
    expect(spec.inputSchema).toMatchObject({ type: "object", properties: { city: { type: "string" } } });
  });

  it("calls tools over stdio and HTTP, and reports a tool's error as a ToolError", async () => {
    const context = testToolContext();
    expect((await tool("notes__add_note").run({ text: "Buy milk" }, context)).output).toBe("added 2");
    expect((await tool("notes__list_notes").run({}, context)).output).toContain("Buy milk");
    expect(await tool("weather__forecast").run({ city: "Oslo" }, context)).toEqual({ output: "Sunny in Oslo", summary: "weather.forecast answered" });
    await expect(tool("notes__delete_note").run({ id: "99" }, context)).rejects.toThrow(new ToolError("notes.delete_note failed: no note 99"));
  });
});
