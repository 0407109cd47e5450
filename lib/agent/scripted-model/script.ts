// What the scripted model says on a turn: a script reads the conversation (decoded from whichever
// wire format carried it) and answers with text and/or tool calls. The answer is a pure function
// of the turn, and tool call ids are derived from it, so a replayed step gets identical ids.
import { createHash } from "node:crypto";
import type { ConversationItem } from "../providers/conversation";
import { scriptedReply } from "./reply";

export interface ScriptedTurn {
  /** The conversation, decoded from the wire (tool call arguments parsed; malformed ones as the raw string). */
  input: ConversationItem[];
  /** Names of the tools offered on this turn. */
  tools: string[];
  instructions: string;
  /** Screenshots sent back for computer calls (computer_call_output, an Anthropic tool_result image), oldest first. */
  screenshots?: ScriptedScreenshot[];
}

export interface ScriptedScreenshot {
  callId: string;
  mimeType: string;
  image: Buffer;
}

/**
 * A call named "computer" goes out as the wire's computer call: on Responses a computer_call whose
 * arguments are `{ actions }` (or the older `{ action }`) plus optional `pending_safety_checks`;
 * on Messages a tool_use whose input is one Anthropic action.
 */
export interface ScriptedToolCall {
  name: string;
  arguments?: unknown;
  /** Sent verbatim as the arguments string (Responses, Chat Completions), e.g. malformed JSON. */
  rawArguments?: string;
}

export interface ScriptedReply {
  text?: string;
  toolCalls?: ScriptedToolCall[];
}

export type Script = (turn: ScriptedTurn) => ScriptedReply;

/** A scripted turn ready for any wire format. */
export interface ScriptedOutput {
  text: string;
  /** `key` is the stable part of the call id; each API adds its own prefix (call_, toolu_). */
  toolCalls: { key: string; name: string; arguments: string }[];
  usage: { input: number; output: number };
}

/** The default script: the demo reply (or a legacy `reply` function) to the first user message. */
export function replyScript(reply: (input: string) => string = scriptedReply): Script {
  return ({ input }) => ({ text: reply(input.find((item) => item.type === "user")?.text ?? "") });
}

export function runScript(script: Script, turn: ScriptedTurn): ScriptedOutput {
  const answer = script(turn);
  const text = answer.text ?? "";
  // Screenshots enter the hash by digest: a turn is identified by what it saw, cheaply.
  const turnHash = sha256(JSON.stringify({ ...turn, screenshots: turn.screenshots?.map((shot) => [shot.callId, sha256(shot.image.toString("base64"))]) }));
  const toolCalls = (answer.toolCalls ?? []).map((call, index) => ({
    key: sha256(`${turnHash}:${index}`).slice(0, 24),
    name: call.name,
    arguments: call.rawArguments ?? JSON.stringify(call.arguments ?? {}),
  }));
  // An image counts as a provider bills it, roughly: a flat ~1,000 tokens.
  const inputChars = JSON.stringify(turn.input).length + turn.instructions.length + (turn.screenshots?.length ?? 0) * 4_000;
  const outputChars = text.length + toolCalls.reduce((sum, call) => sum + call.name.length + call.arguments.length, 0);
  return { text, toolCalls, usage: { input: Math.ceil(inputChars / 4), output: Math.ceil(outputChars / 4) } };
}

/** Reads a wire arguments string the way a provider does: JSON, or the raw string if malformed. */
export function decodeArguments(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Tool results name the call they answer; the tool's name comes from the call earlier in the conversation. */
export function toolNameFor(items: ConversationItem[], callId: string): string {
  for (const item of items) {
    if (item.type === "assistant") {
      const call = item.toolCalls.find((c) => c.id === callId);
      if (call) return call.name;
    }
  }
  return "";
}

/** Appends a tool call to the assistant item just before it, or starts one. */
export function appendToolCall(items: ConversationItem[], call: { id: string; name: string; arguments: unknown }): void {
  const last = items.at(-1);
  if (last?.type === "assistant") last.toolCalls.push(call);
  else items.push({ type: "assistant", text: "", toolCalls: [call] });
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
