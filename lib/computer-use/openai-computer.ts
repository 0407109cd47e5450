// OpenAI's computer tool on the Responses API: a `computer` tool, `computer_call` output items
// carrying a batch of `actions` (or, from the older computer-use-preview, a single `action`), and
// `computer_call_output` input items with the screenshot taken after them. Pending safety checks
// are passed on for a person to decide; Baton acknowledges one only with that person's approval.
import { z } from "zod";
import { keyName, typeAction, type ComputerAction, type ComputerCall, type ProviderSafetyCheck } from "./action";

export const OPENAI_COMPUTER_TOOL = { type: "computer" } as const;

const coordinate = z.number().finite();
const modifierKeys = z.array(z.string()).nullish().transform((keys) => (keys ?? []).map(keyName));

const openAiAction = z.discriminatedUnion("type", [
  z.object({ type: z.literal("click"), x: coordinate, y: coordinate, button: z.enum(["left", "right", "wheel", "back", "forward"]).default("left"), keys: modifierKeys }),
  z.object({ type: z.literal("double_click"), x: coordinate, y: coordinate, keys: modifierKeys }),
  z.object({ type: z.literal("drag"), path: z.array(z.object({ x: coordinate, y: coordinate })).min(2), keys: modifierKeys }),
  z.object({ type: z.literal("keypress"), keys: z.array(z.string()).min(1) }),
  z.object({ type: z.literal("move"), x: coordinate, y: coordinate, keys: modifierKeys }),
  z.object({ type: z.literal("screenshot") }),
  z.object({ type: z.literal("scroll"), x: coordinate, y: coordinate, scroll_x: coordinate, scroll_y: coordinate, keys: modifierKeys }),
  z.object({ type: z.literal("type"), text: z.string() }),
  z.object({ type: z.literal("wait") }),
]);

const computerCallItem = z.looseObject({
  type: z.literal("computer_call"),
  call_id: z.string(),
  action: z.unknown().optional(),
  actions: z.array(z.unknown()).nullish(),
  pending_safety_checks: z.array(z.object({ id: z.string(), code: z.string().nullish(), message: z.string().nullish() })).default([]),
});

/** OpenAI's wait carries no duration; its samples wait two seconds. */
const OPENAI_WAIT_MS = 2_000;

function fromOpenAi(action: z.infer<typeof openAiAction>): ComputerAction {
  switch (action.type) {
    case "click": {
      // back/forward are mouse buttons Playwright cannot press; they mean history navigation.
      if (action.button === "back") return { kind: "keys", keys: ["Alt", "ArrowLeft"], repeat: 1 };
      if (action.button === "forward") return { kind: "keys", keys: ["Alt", "ArrowRight"], repeat: 1 };
      const button = action.button === "wheel" ? "middle" : action.button;
      return { kind: "click", at: { x: action.x, y: action.y }, button, clicks: 1, modifiers: action.keys };
    }
    case "double_click":
      return { kind: "click", at: { x: action.x, y: action.y }, button: "left", clicks: 2, modifiers: action.keys };
    case "drag":
      return { kind: "drag", path: action.path, modifiers: action.keys };
    case "keypress":
      return { kind: "keys", keys: action.keys.map(keyName), repeat: 1 };
    case "move":
      return { kind: "move", at: { x: action.x, y: action.y } };
    case "screenshot":
      return { kind: "screenshot" };
    case "scroll":
      return { kind: "scroll", at: { x: action.x, y: action.y }, dx: action.scroll_x, dy: action.scroll_y, modifiers: action.keys };
    case "type":
      return typeAction(action.text);
    case "wait":
      return { kind: "wait", ms: OPENAI_WAIT_MS };
  }
}

export class ComputerCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ComputerCallError";
  }
}

/** The computer calls among a response's output items, each normalised; other items are ignored. */
export function openAiComputerCalls(output: readonly unknown[]): ComputerCall[] {
  return output.flatMap((item) => {
    if ((item as { type?: unknown } | null)?.type !== "computer_call") return [];
    const call = computerCallItem.parse(item);
    const raw = call.actions ?? (call.action !== undefined ? [call.action] : []);
    const actions = raw.map((action) => {
      const parsed = openAiAction.safeParse(action);
      if (!parsed.success) throw new ComputerCallError(`Unsupported computer action ${JSON.stringify(action).slice(0, 200)}`);
      return fromOpenAi(parsed.data);
    });
    const safetyChecks: ProviderSafetyCheck[] = call.pending_safety_checks.map((check) => ({ id: check.id, code: check.code ?? null, message: check.message ?? null }));
    return [{ callId: call.call_id, actions, safetyChecks }];
  });
}

/**
 * The input item answering a computer call: the screenshot after its actions. Checks appear as
 * acknowledged only when a person approved them (`approvedChecks`); Baton never fills this in itself.
 */
export function openAiComputerCallOutput(callId: string, screenshot: { image: Buffer; mimeType: string }, approvedChecks: readonly ProviderSafetyCheck[] = []) {
  return {
    type: "computer_call_output" as const,
    call_id: callId,
    output: { type: "computer_screenshot" as const, image_url: `data:${screenshot.mimeType};base64,${screenshot.image.toString("base64")}` },
    ...(approvedChecks.length > 0 ? { acknowledged_safety_checks: approvedChecks.map((check) => ({ id: check.id, code: check.code, message: check.message })) } : {}),
  };
}
