// Running one tool call inside a step, and putting it on the timeline with its arguments and a
// preview of its result, secrets redacted. A ToolError is an answer for the model, not a crash.
import type { Db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { redactSecrets } from "@/lib/redact";
import { openEffect, recordEffectError, recordEffectOutcome } from "@/lib/effects/effect-journal";
import { appendEvent, type NewEvent } from "@/lib/tasks/timeline";
import { ToolError, type RunToolContext, type ToolDefinition } from "@/lib/tools/types";

/** What the model gets back from a call, at most this long: tool output is data, not a prompt. */
const MAX_OUTPUT_CHARS = 20_000;
const PREVIEW_CHARS = 1_000;
const REDACTED = "[redacted]";
const SECRET_KEY = /authorization|cookie|api[-_]?key|token|secret|password|passwd/i;

export interface ToolOutcome {
  ok: boolean;
  /** Serialized for the model. */
  output: string;
  /** A segment of a call with checkpoints that ended the call (see ToolResult.final). */
  final?: boolean;
  /** What the next checkpoint's approval shows beside the arguments (see ToolResult.next). */
  next?: Record<string, string>;
}

/** Arguments as they may be shown: values under secret-looking keys are hidden. */
export function redactArguments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactArguments);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? REDACTED : redactArguments(inner)]));
  }
  return typeof value === "string" ? redactSecrets(value) : value;
}

/**
 * A person's edit starts from the redacted arguments; wherever it still says "[redacted]", the
 * agent's original value stands (the secret was never shown, so it was not meant to change).
 */
export function restoreRedacted(edited: unknown, original: unknown): unknown {
  if (edited === REDACTED) return original;
  if (Array.isArray(edited)) return edited.map((value, index) => restoreRedacted(value, Array.isArray(original) ? original[index] : undefined));
  if (edited && typeof edited === "object") {
    const source = original && typeof original === "object" ? (original as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(edited).map(([key, value]) => [key, restoreRedacted(value, source[key])]));
  }
  return edited;
}

/**
 * Runs one call through the effect journal (lib/effects): a call whose outcome was recorded by an
 * earlier attempt of this step is not made again, and its timeline event is written once, with
 * the outcome, however many attempts there were.
 */
export async function runToolCall(
  db: Db,
  params: { tool: ToolDefinition; args: unknown; context: RunToolContext; call: { key: string; id: string } },
): Promise<ToolOutcome> {
  const { tool, args, context, call } = params;
  const effect = await openEffect(db, { runId: context.runId, callKey: call.key, callId: call.id, tool: tool.name });
  if (effect.kind === "recorded") return effect.outcome;
  const shownArgs = redactArguments(args) as Prisma.InputJsonValue;
  const event = { taskId: context.taskId, runId: context.runId, actor: "agent" as const };
  if (effect.kind === "again") {
    const after = effect.lastError ? `an error (${effect.lastError})` : "a restart";
    await appendEvent(db, {
      ...event,
      type: "tool.retried",
      message: redactSecrets(`${tool.name} retried after ${after} (same idempotency key)`).slice(0, 500),
      data: { tool: tool.name, attempt: effect.attempt, idempotencyKey: effect.idempotencyKey },
    });
  }
  const finish = async (outcome: ToolOutcome, timeline: Omit<NewEvent, "taskId" | "runId" | "actor">) => {
    await db.$transaction(async (tx) => {
      await recordEffectOutcome(tx, { id: effect.id, outcome });
      await appendEvent(tx, { ...event, ...timeline });
    });
    return outcome;
  };
  try {
    const result = await tool.run(args, { ...context, idempotencyKey: effect.idempotencyKey });
    const output = truncate(JSON.stringify(result.output) ?? "null", MAX_OUTPUT_CHARS);
    return await finish(
      { ok: true, output, ...(result.final ? { final: true } : {}), ...(result.next ? { next: result.next } : {}) },
      {
        type: "tool.called",
        message: redactSecrets(`${tool.name}: ${result.summary}`),
        data: { tool: tool.name, arguments: shownArgs, result: redactSecrets(truncate(output, PREVIEW_CHARS)), idempotencyKey: effect.idempotencyKey },
      },
    );
  } catch (error) {
    if (!(error instanceof ToolError)) {
      await recordEffectError(db, { id: effect.id, message: redactSecrets(error instanceof Error ? error.message : String(error)) }).catch(() => undefined);
      throw error;
    }
    return finish(
      { ok: false, output: error.message },
      {
        type: "tool.failed",
        message: redactSecrets(`${tool.name} failed: ${error.message}`).slice(0, 500),
        data: { tool: tool.name, arguments: shownArgs, idempotencyKey: effect.idempotencyKey },
      },
    );
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [truncated ${text.length - max} characters]`;
}
