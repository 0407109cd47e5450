// The built-in tools, connectors first. MCP tools join them in the worker (lib/tools/mcp).
import { z } from "zod";
import type { ArgumentValidator } from "@/lib/approvals/decide-approval";
import { fieldErrorsOf } from "@/lib/http/respond";
import type { ToolSpec } from "@/lib/agent/providers/conversation";
import { proposePlanTool } from "@/lib/plans/propose-plan-tool";
import { writeArtifactTool } from "./artifacts/write-artifact";
import { createReadCalendarTool } from "./calendar/read-calendar";
import { MAX_FETCHED_BYTES, type FetchText } from "./feeds/fetch-text";
import { createReadFeedTool } from "./feeds/read-feed";
import { createHttpRequestTool, httpRequestInput, sendGuarded, type HttpRequestToolOptions } from "./http/http-request-tool";
import { decodeText } from "./http/response-body";
import { ToolError, type ToolDefinition } from "./types";
import { listFilesTool } from "./workspace/list-files";
import { readFileTool } from "./workspace/read-file";
import { writeFileTool } from "./workspace/write-file";

/**
 * Feeds and calendars are fetched through the same SSRF guard, with a larger size cap. A body over
 * the cap is refused rather than cut: half a calendar or feed would read as a whole one.
 */
function guardedFetchText(options: HttpRequestToolOptions): FetchText {
  const fetchOptions = { maxResponseBytes: MAX_FETCHED_BYTES, ...options };
  return async (url, context) => {
    const { response } = await sendGuarded(httpRequestInput.parse({ url, method: "GET" }), context, fetchOptions);
    const host = new URL(url).host;
    if (response.status < 200 || response.status > 299) throw new ToolError(`${host} answered ${response.status}.`);
    if (response.undecodable) throw new ToolError(`${host} compressed the body with ${response.undecodable}, which Baton cannot decode.`);
    if (response.truncated) throw new ToolError(`The response from ${host} is larger than ${fetchOptions.maxResponseBytes} bytes.`);
    const contentType = response.headers["content-type"] ?? null;
    return { text: decodeText(response.body, contentType ?? undefined), bytes: response.body, contentType };
  };
}

export function builtinTools(options: HttpRequestToolOptions = {}): ToolDefinition[] {
  const fetchText = guardedFetchText(options);
  const tools = [
    createHttpRequestTool(options),
    createReadFeedTool({ fetchText }),
    createReadCalendarTool({ fetchText }),
    readFileTool,
    writeFileTool,
    listFilesTool,
    writeArtifactTool,
    proposePlanTool,
  ];
  return tools as unknown as ToolDefinition[];
}

// A tool's spec never changes, and building its JSON schema was 6% of a worker's CPU per run.
const specOf = new WeakMap<ToolDefinition, ToolSpec>();

/** What the model is told about each tool: name, description and the JSON schema of its input. */
export function toolSpecs(tools: readonly ToolDefinition[]): ToolSpec[] {
  return tools.map((tool) => {
    let spec = specOf.get(tool);
    if (!spec) {
      spec = {
        name: tool.name,
        description: tool.description,
        inputSchema: tool.jsonSchema ?? (z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" }) as Record<string, unknown>),
      };
      specOf.set(tool, spec);
    }
    return spec;
  });
}

/** Re-validates a person's edited arguments against the tool's own schema. */
export function argumentValidator(tools: readonly ToolDefinition[]): ArgumentValidator {
  return {
    validate(toolName, args) {
      const tool = tools.find((candidate) => candidate.name === toolName);
      if (!tool) return { ok: false, fieldErrors: {}, message: `The arguments of ${toolName} cannot be edited here.` };
      const parsed = tool.input.safeParse(args);
      return parsed.success
        ? { ok: true, value: parsed.data, target: tool.target(parsed.data) }
        : { ok: false, fieldErrors: fieldErrorsOf(parsed.error), message: `These arguments do not fit ${toolName}.` };
    },
  };
}
