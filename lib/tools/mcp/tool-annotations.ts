// What an MCP tool's annotations mean for Baton, read with the defaults the MCP specification
// gives a missing hint (readOnlyHint false, destructiveHint true, idempotentHint false,
// openWorldHint true): a tool that says nothing is treated as one that may destroy.
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { RiskClass } from "../types";

export function isReadOnly(annotations: ToolAnnotations | undefined): boolean {
  return annotations?.readOnlyHint ?? false;
}

/**
 * read-only: read. Otherwise destructive unless the tool says destructiveHint: false, then
 * external: its effects land in the server's world, never in Baton's own workspace ("write").
 * openWorldHint does not change the class: closed or open, the effect is outside Baton.
 */
export function mcpRisk(annotations: ToolAnnotations | undefined): RiskClass {
  if (isReadOnly(annotations)) return "read";
  return (annotations?.destructiveHint ?? true) ? "destructive" : "external";
}

/** Safe to make again: a read-only tool, or one that says calling it twice has no additional effect. */
export function isIdempotent(annotations: ToolAnnotations | undefined): boolean {
  return isReadOnly(annotations) || (annotations?.idempotentHint ?? false);
}
