// Connects configured MCP servers with the official SDK (stdio or streamable HTTP) and offers
// their tools to the agent. Risk comes from the tool's annotations: read-only counts as read,
// destructive as destructive, anything else as an external side effect; the person can set any
// MCP tool to allow, ask or deny in their policy.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { z } from "zod";
import { ToolError, type RiskClass, type ToolDefinition } from "../types";
import type { McpConfig, McpServerConfig } from "./config";

export interface McpConnection {
  tools: ToolDefinition[];
  close(): Promise<void>;
}

interface ListedTool {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean };
}

export async function connectMcpServers(config: McpConfig, log: (line: string) => void = console.warn): Promise<McpConnection> {
  const clients: Client[] = [];
  const tools: ToolDefinition[] = [];
  for (const [serverName, server] of Object.entries(config.servers)) {
    try {
      const client = new Client({ name: "baton", version: "1" });
      await client.connect(transportFor(server));
      clients.push(client);
      const listed = await client.listTools();
      for (const tool of listed.tools as ListedTool[]) tools.push(mcpTool(client, serverName, tool));
    } catch (error) {
      // One unreachable server must not take the worker down; its tools are simply not offered.
      log(`[worker] MCP server "${serverName}" is unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { tools, close: async () => void (await Promise.allSettled(clients.map((client) => client.close()))) };
}

function transportFor(server: McpServerConfig) {
  if ("url" in server) return new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.headers } });
  return new StdioClientTransport({ command: server.command, args: server.args, env: server.env, cwd: server.cwd, stderr: "ignore" });
}

export function mcpRisk(annotations: ListedTool["annotations"]): RiskClass {
  if (annotations?.readOnlyHint) return "read";
  if (annotations?.destructiveHint) return "destructive";
  return "external";
}

function mcpTool(client: Client, serverName: string, tool: ListedTool): ToolDefinition {
  const name = `${serverName}__${tool.name}`.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  let input: z.ZodType;
  try {
    input = z.fromJSONSchema(tool.inputSchema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    input = z.record(z.string(), z.unknown());
  }
  const risk = mcpRisk(tool.annotations);
  return {
    name,
    description: `${tool.description ?? tool.name} (from the MCP server "${serverName}")`,
    input,
    jsonSchema: tool.inputSchema,
    risk: () => risk,
    target: () => `${serverName}: ${tool.name}`,
    idempotent: () => tool.annotations?.idempotentHint ?? tool.annotations?.readOnlyHint ?? false,
    async run(args, context) {
      // MCP has no idempotency field; _meta is where a server that honours one can read it.
      const result = await client.callTool({ name: tool.name, arguments: args as Record<string, unknown>, _meta: { "baton/idempotencyKey": context.idempotencyKey } });
      const text = (result.content as { type: string; text?: string }[] | undefined)
        ?.filter((part) => part.type === "text")
        .map((part) => part.text)
        .join("\n");
      if (result.isError) throw new ToolError(`${tool.name} on ${serverName} failed: ${text || "no details"}`);
      return { output: result.structuredContent ?? text ?? null, summary: `${serverName}/${tool.name} answered` };
    },
  };
}
