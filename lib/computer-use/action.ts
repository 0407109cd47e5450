// One action the model asked for, whichever provider's wire carried it. Coordinates are in the
// model's frame (the scaled screenshot it saw); the executor maps them to the page. A secret is a
// reference the runtime resolves and types itself: the model never sees or sends the text.
import { z } from "zod";

const point = z.object({ x: z.number().finite(), y: z.number().finite() });
export type FramePoint = z.infer<typeof point>;

/** Keys as Playwright names them ("Control", "Enter", "a"), a chord pressed together. */
const keys = z.array(z.string().min(1)).max(8);

export const computerActionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("click"), at: point, button: z.enum(["left", "right", "middle"]), clicks: z.number().int().min(1).max(3), modifiers: keys }),
  z.object({ kind: z.literal("move"), at: point }),
  z.object({ kind: z.literal("drag"), path: z.array(point).min(2), modifiers: keys }),
  z.object({ kind: z.literal("scroll"), at: point, dx: z.number().finite(), dy: z.number().finite(), modifiers: keys }),
  z.object({ kind: z.literal("type"), text: z.string().max(10_000) }),
  z.object({ kind: z.literal("type_secret"), reference: z.string().min(1).max(100) }),
  z.object({ kind: z.literal("keys"), keys: keys.min(1), repeat: z.number().int().min(1).max(100) }),
  z.object({ kind: z.literal("wait"), ms: z.number().int().min(0).max(30_000) }),
  z.object({ kind: z.literal("screenshot") }),
  z.object({ kind: z.literal("zoom"), from: point, to: point }),
]);
export type ComputerAction = z.infer<typeof computerActionSchema>;

/** A provider check that Baton passes on to a person and never acknowledges by itself (OpenAI's pending_safety_checks). */
export interface ProviderSafetyCheck {
  id: string;
  code: string | null;
  message: string | null;
}

/** One model turn's request to the computer: the call to answer, its actions in order, and any checks. */
export interface ComputerCall {
  callId: string;
  actions: ComputerAction[];
  safetyChecks: ProviderSafetyCheck[];
}

/**
 * How the model asks for a secret: it types `{{secret:NAME}}` (its instructions say so), NAME a
 * credential reference of the task. The text is never in the conversation either way.
 */
const SECRET_MARKER = /^\{\{secret:([\w.-]{1,100})\}\}$/;

export function typeAction(text: string): ComputerAction {
  const secret = SECRET_MARKER.exec(text.trim());
  return secret ? { kind: "type_secret", reference: secret[1]! } : { kind: "type", text };
}

const KEY_NAMES: Record<string, string> = {
  ctrl: "Control", control: "Control", cmd: "Meta", command: "Meta", meta: "Meta", super: "Meta", win: "Meta",
  alt: "Alt", option: "Alt", shift: "Shift", enter: "Enter", return: "Enter", esc: "Escape", escape: "Escape",
  tab: "Tab", space: " ", backspace: "Backspace", delete: "Delete", del: "Delete", home: "Home", end: "End",
  pageup: "PageUp", page_up: "PageUp", pagedown: "PageDown", page_down: "PageDown", up: "ArrowUp", down: "ArrowDown",
  left: "ArrowLeft", right: "ArrowRight", arrowup: "ArrowUp", arrowdown: "ArrowDown", arrowleft: "ArrowLeft",
  arrowright: "ArrowRight", insert: "Insert",
};

/** A provider's key name ("CTRL", "Return", "Page_Down", "F5", "a") as Playwright's. */
export function keyName(key: string): string {
  const known = KEY_NAMES[key.toLowerCase()];
  if (known) return known;
  if (/^f([1-9]|1[0-2])$/i.test(key)) return key.toUpperCase();
  return key.length === 1 ? key : key[0]!.toUpperCase() + key.slice(1).toLowerCase();
}

/** "ctrl+shift+t" (Anthropic's xdotool style) as a chord. */
export function keyChord(combo: string): string[] {
  return combo.split("+").filter((part) => part !== "").map(keyName);
}
