// Which MCP servers the worker connects, from a JSON file named by BATON_MCP_CONFIG:
// { "servers": { "notes": { "command": "node", "args": ["server.js"] }, "crm": { "url": "https://…/mcp", "callTimeoutMs": 60000 } } }
import { readFileSync } from "node:fs";
import { z } from "zod";

/** Long enough for a server started with npx or a cold container, short enough not to stall a worker's start. */
export const DEFAULT_START_TIMEOUT_MS = 10_000;
/** What the model is kept waiting for one call; a slower tool needs its server's callTimeoutMs raised. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

const timeoutMs = z.number().int().min(1).max(600_000);

const timeouts = {
  /** How long the server has to answer `initialize` and list its tools, on each (re)connection. */
  startTimeoutMs: timeoutMs.default(DEFAULT_START_TIMEOUT_MS),
  /** How long one tool call may take before it fails as a timeout. */
  callTimeoutMs: timeoutMs.default(DEFAULT_CALL_TIMEOUT_MS),
};

const stdioServer = z.object({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
  ...timeouts,
});

const httpServer = z.object({
  url: z.url(),
  headers: z.record(z.string(), z.string()).optional(),
  ...timeouts,
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
