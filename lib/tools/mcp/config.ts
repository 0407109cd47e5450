// Which MCP servers the worker connects, from a JSON file named by BATON_MCP_CONFIG:
// { "servers": { "notes": { "command": "node", "args": ["server.js"] }, "crm": { "url": "https://…/mcp" } } }
import { readFileSync } from "node:fs";
import { z } from "zod";

const stdioServer = z.object({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
});

const httpServer = z.object({
  url: z.url(),
  headers: z.record(z.string(), z.string()).optional(),
});

export const mcpConfigSchema = z.object({
  servers: z.record(z.string().regex(/^[a-zA-Z0-9-]{1,24}$/, "Server names: letters, digits and dashes, at most 24."), z.union([stdioServer, httpServer])),
});

export type McpConfig = z.infer<typeof mcpConfigSchema>;
export type McpServerConfig = McpConfig["servers"][string];

export function readMcpConfig(path: string): McpConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`BATON_MCP_CONFIG: cannot read ${path} as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = mcpConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`BATON_MCP_CONFIG: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  return parsed.data;
}
