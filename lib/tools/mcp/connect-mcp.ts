// Connects configured MCP servers with the official SDK (stdio or streamable HTTP) and offers
// their tools to the agent. All servers start at once, each bounded by its startTimeoutMs, so one
// that never answers delays no other; one that failed to start is named with the reason and
// keeps being tried in the background (lib/tools/mcp/server-link.ts), its tools joining once it
// answers. Risk comes from each tool's annotations (tool-annotations.ts); the person can set any
// MCP tool to allow, ask or deny in their policy.
import type { ToolDefinition } from "../types";
import type { McpConfig } from "./config";
import { mcpTool } from "./mcp-tool";
import { McpServerLink } from "./server-link";

export interface McpConnection {
  /** The tools of every server that has answered so far (read it again for servers that joined later). */
  readonly tools: ToolDefinition[];
  /** The servers whose first start failed, and why. */
  unavailable: { server: string; reason: string }[];
  close(): Promise<void>;
}

export async function connectMcpServers(config: McpConfig, log: (line: string) => void = console.warn): Promise<McpConnection> {
  const links = Object.entries(config.servers).map(([name, server]) => new McpServerLink(name, server, log));
  const reasons = await Promise.all(links.map((link) => link.start()));
  const unavailable = links.flatMap((link, index) => {
    const reason = reasons[index];
    return reason === undefined ? [] : [{ server: link.name, reason }];
  });
  // Tool definitions are remade only when a server lists different tools after reconnecting.
  const made = new Map<McpServerLink, { listed: McpServerLink["tools"]; tools: ToolDefinition[] }>();
  const toolsOf = (link: McpServerLink) => {
    const cached = made.get(link);
    if (cached?.listed === link.tools) return cached.tools;
    const tools = link.tools.map((tool) => mcpTool(link, tool));
    made.set(link, { listed: link.tools, tools });
    return tools;
  };
  return {
    get tools() {
      return links.flatMap(toolsOf);
    },
    unavailable,
    close: async () => void (await Promise.allSettled(links.map((link) => link.close()))),
  };
}
