// An MCP server's tool as a Baton tool. A call is bounded by the server's callTimeoutMs and every
// way it can go wrong comes back as a ToolError naming the server and tool, so the model reads
// what happened instead of waiting on the workflow's retries. A read-only tool is asked once more
// after a timeout or a dropped connection; anything else may have acted, so it is not sent again.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ErrorCode, McpError, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ToolError, type ToolContext, type ToolDefinition } from "../types";
import { seconds } from "./seconds";
import type { McpServerLink } from "./server-link";
import { isIdempotent, isReadOnly, mcpRisk } from "./tool-annotations";

type CallFailure = { kind: "timeout" } | { kind: "cut-off"; reason: string } | { kind: "refused"; reason: string };

export function mcpTool(link: McpServerLink, tool: Tool): ToolDefinition {
  let input: z.ZodType;
  try {
    input = z.fromJSONSchema(tool.inputSchema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    input = z.record(z.string(), z.unknown());
  }
  const risk = mcpRisk(tool.annotations);
  return {
    name: `${link.name}__${tool.name}`.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64),
    description: `${tool.description ?? tool.name} (from the MCP server "${link.name}")`,
    input,
    jsonSchema: tool.inputSchema,
    risk: () => risk,
    target: () => `${link.name}: ${tool.name}`,
    idempotent: () => isIdempotent(tool.annotations),
    run: (args, context) => callMcpTool(link, tool, args as Record<string, unknown>, context),
  };
}

async function callMcpTool(link: McpServerLink, tool: Tool, args: Record<string, unknown>, context: ToolContext) {
  const label = `${link.name}.${tool.name}`;
  const { callTimeoutMs } = link.config;
  const maxAttempts = isReadOnly(tool.annotations) ? 2 : 1;
  // What the timeline should know about how the answer came: a retry, a reconnection.
  const notes: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const { client, reconnectedAfter } = await link.live();
    if (reconnectedAfter) notes.push(`after Baton reconnected to ${link.name} (it had stopped: ${reconnectedAfter})`);
    let result: Awaited<ReturnType<Client["callTool"]>>;
    try {
      // MCP has no idempotency field; _meta is where a server that honours one can read it.
      result = await client.callTool({ name: tool.name, arguments: args, _meta: { "baton/idempotencyKey": context.idempotencyKey } }, undefined, { timeout: callTimeoutMs });
    } catch (error) {
      const failure = callFailure(error);
      if (failure.kind === "cut-off") link.dropped(client, failure.reason);
      if (failure.kind !== "refused" && attempt < maxAttempts) {
        notes.push(`on the second try (the first ${failure.kind === "timeout" ? `did not answer within ${seconds(callTimeoutMs)}` : `was cut off: ${failure.reason}`})`);
        continue;
      }
      throw new ToolError(failureMessage(label, failure, { callTimeoutMs, attempts: attempt }), { cause: error });
    }
    const text = (result.content as { type: string; text?: string }[] | undefined)
      ?.filter((part) => part.type === "text")
      .map((part) => part.text)
      .join("\n");
    if (result.isError) throw new ToolError(`${label} failed: ${text || "no details"}`);
    return { output: result.structuredContent ?? text ?? null, summary: [`${label} answered`, ...notes].join(" ") };
  }
}

function callFailure(error: unknown): CallFailure {
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) return { kind: "timeout" };
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) return { kind: "cut-off", reason: "its connection closed" };
  // The server answered with a JSON-RPC error: the connection is fine, the call was not.
  if (error instanceof McpError) return { kind: "refused", reason: error.message };
  // Anything else came from the transport ("Not connected", a fetch that failed, an HTTP error status).
  return { kind: "cut-off", reason: error instanceof Error ? error.message : String(error) };
}

function failureMessage(label: string, failure: CallFailure, { callTimeoutMs, attempts }: { callTimeoutMs: number; attempts: number }): string {
  if (failure.kind === "refused") return `${label} was refused: ${failure.reason}`;
  if (attempts > 1) {
    return failure.kind === "timeout" ? `${label} did not answer within ${seconds(callTimeoutMs)} (asked twice).` : `${label} was cut off: ${failure.reason} (asked twice).`;
  }
  const unknown = "It may or may not have acted, so Baton did not send it again.";
  return failure.kind === "timeout"
    ? `${label} did not answer within ${seconds(callTimeoutMs)}; Baton cancelled the call. ${unknown}`
    : `${label} was cut off: ${failure.reason}; Baton is reconnecting to the server. ${unknown}`;
}
