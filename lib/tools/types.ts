// What a tool is. Each tool declares its input schema (the single source for validation, for the
// JSON schema the model sees and for re-validating edited arguments), a description for the
// model, and the risk of a call. The risk policy, not the model, decides whether a call needs a
// person's approval.
import type { z } from "zod";
import type { ArtifactKind } from "@/lib/artifacts/save-artifact";
import type { DurableContext } from "@/lib/engine/port";
import type { PolicyDecision } from "@/lib/policy/risk-policy";
import type { EgressOpening } from "./http/ssrf-guard";

/** read: looks only. write: changes Baton's own workspace. external: has effects elsewhere. destructive: deletes or overwrites elsewhere. */
export type RiskClass = "read" | "write" | "external" | "destructive";

/** What a run gives every tool it calls. */
export interface RunToolContext {
  taskId: string;
  runId: string;
  userId: string;
  /** A folder only this task's tools may read and write. */
  workspaceDir: string;
  /** Hosts and CIDR ranges the admin allows despite the SSRF guard (e.g. "127.0.0.1/32", "intranet.example"). */
  httpAllowlist: string[];
  /** Exact origin + path prefix the HTTP tools may reach although private (Baton's own /demo/ sources). */
  httpOpenings?: readonly EgressOpening[];
  /** Stores a file as an artifact of this run (the same name again replaces it). */
  saveArtifact(artifact: { name: string; kind: ArtifactKind; content: string | Uint8Array }): Promise<{ id: string; sizeBytes: number }>;
}

export interface ToolContext extends RunToolContext {
  /**
   * The same on every attempt of this one call (lib/effects): sent with anything that acts
   * elsewhere (an Idempotency-Key header on HTTP writes, _meta on MCP calls), so a far side that
   * honours it acts once even when Baton had to send again after a crash.
   */
  idempotencyKey: string;
  /** For a tool with checkpoints: which segment of the call to run (0 up to the first checkpoint). */
  segment?: number;
}

export interface ToolResult {
  /** JSON-serializable output handed back to the model, as data. */
  output: unknown;
  /** One line for the timeline, with no secrets. */
  summary: string;
  /** A segment that ended the whole call early: no checkpoint after it is asked about. */
  final?: boolean;
  /** Shown on the next checkpoint's approval beside the arguments, e.g. the screenshot of the page as it is. */
  next?: Record<string, string>;
}

/** A point inside one call that the person's policy decides on its own (a playbook's "Pay invoice" step). */
export interface ToolCheckpoint {
  /** Stable within the call, part of the durable step names: "step-11". */
  key: string;
  risk: RiskClass;
  /** Exactly what will be done, for the approval card. */
  target: string;
  /** Added to the arguments the approval card shows. */
  shown: Record<string, string>;
}

export interface ToolDefinition<Input extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: Input;
  /** The input's JSON schema as given to the model, when it did not come from zod (MCP tools). */
  jsonSchema?: Record<string, unknown>;
  /** The risk of this particular call (a GET reads, a DELETE destroys). */
  risk(input: z.infer<Input>): RiskClass;
  /** What the call touches, for the approval card: a URL, a file path. */
  target(input: z.infer<Input>): string;
  /** The URL a call fetches, when it fetches one: a read with a query is judged by lib/policy/egress.ts. */
  reaches?(input: z.infer<Input>): string | undefined;
  /**
   * The call's high-impact points. With any, risk() is the risk of everything outside them, the
   * call runs in segments (context.segment) and the policy decides each checkpoint on its own.
   */
  checkpoints?(input: z.infer<Input>): ToolCheckpoint[];
  /** Safe to run again after failing mid-way (a GET is; a POST is not). */
  idempotent(input: z.infer<Input>): boolean;
  run(input: z.infer<Input>, context: ToolContext): Promise<ToolResult>;
  /**
   * A policy class of its own that decides whether a call may start at all (use_browser's
   * "computer-use", off by default), instead of the call's risk class.
   */
  policyClass?: string;
  /**
   * For a tool that is a loop of its own (use_browser): runs the call as durable steps through the
   * workflow's context instead of `run` in one step, asking the person through the same path as
   * tools whenever an action inside it needs a decision.
   */
  runDurably?(input: z.infer<Input>, run: DurableToolRun): Promise<DurableToolEnding>;
}

/** What a durable tool call gets: the workflow's context, stable step names, the person and the policy. */
export interface DurableToolRun {
  ctx: DurableContext;
  context: ToolContext;
  /** The call's step-name prefix, stable across replays ("2-1"). */
  key: string;
  callId: string;
  /** The user's policy (with the task's floor) for an action of this risk inside the call. */
  decide(risk: RiskClass): Promise<PolicyDecision>;
  /** Asks the person, durably, exactly as for a tool call; `key` names its steps within the call. */
  ask(request: { key: string; risk: RiskClass; target: string; shownArguments: Record<string, unknown>; reason: string }): Promise<{ decision: "approved" | "denied" | "expired" | "canceled"; note?: string }>;
}

export type DurableToolEnding =
  | { kind: "result"; result: ToolResult }
  | { kind: "error"; message: string }
  | { kind: "expired"; reason: string }
  | { kind: "canceled" };

/** A failure the model should see and may work around (bad URL, file not found, refused address). */
export class ToolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ToolError";
  }
}
