// Anthropic's computer tool on the Messages API (beta): computer_20250124 (beta computer-use-2025-01-24)
// and computer_20251124 (beta computer-use-2025-11-24, which adds zoom). The model sends tool_use
// blocks named "computer" with one action each; Baton answers with a tool_result holding the
// screenshot as a base64 image. Coordinates are [x, y] in the display size the tool declared.
import { z } from "zod";
import { keyChord, typeAction, type ComputerAction, type ComputerCall } from "./action";
import { ComputerCallError } from "./openai-computer";

export const ANTHROPIC_COMPUTER_VERSIONS = {
  computer_20250124: "computer-use-2025-01-24",
  computer_20251124: "computer-use-2025-11-24",
} as const;
export type AnthropicComputerVersion = keyof typeof ANTHROPIC_COMPUTER_VERSIONS;

/** The tool definition and the beta it needs (`betas` on client.beta.messages.create). */
export function anthropicComputerTool(version: AnthropicComputerVersion, display: { width: number; height: number }) {
  return {
    tool: {
      type: version,
      name: "computer" as const,
      display_width_px: display.width,
      display_height_px: display.height,
      ...(version === "computer_20251124" ? { enable_zoom: true } : {}),
    },
    beta: ANTHROPIC_COMPUTER_VERSIONS[version],
  };
}

const xy = z.tuple([z.number().finite(), z.number().finite()]);
const toPoint = ([x, y]: [number, number]) => ({ x, y });
/** Modifier keys held during a click or scroll ("shift", "ctrl+alt"). */
const heldKeys = z.string().nullish().transform((text) => (text ? keyChord(text) : []));

const anthropicInput = z.discriminatedUnion("action", [
  z.object({ action: z.enum(["left_click", "right_click", "middle_click", "double_click", "triple_click"]), coordinate: xy.optional(), text: heldKeys }),
  z.object({ action: z.literal("mouse_move"), coordinate: xy }),
  z.object({ action: z.literal("left_click_drag"), start_coordinate: xy, coordinate: xy }),
  z.object({ action: z.literal("scroll"), coordinate: xy, scroll_direction: z.enum(["up", "down", "left", "right"]), scroll_amount: z.number().int().min(0).max(100), text: heldKeys }),
  z.object({ action: z.literal("type"), text: z.string() }),
  z.object({ action: z.literal("key"), text: z.string().min(1) }),
  z.object({ action: z.literal("hold_key"), text: z.string().min(1), duration: z.number().min(0).max(30) }),
  z.object({ action: z.literal("wait"), duration: z.number().min(0).max(30).default(1) }),
  z.object({ action: z.literal("screenshot") }),
  z.object({ action: z.literal("zoom"), region: z.tuple([z.number(), z.number(), z.number(), z.number()]) }),
]);

/** One scroll_amount step, in CSS pixels (a mouse wheel notch). */
export const SCROLL_STEP_PX = 100;

const CLICKS = { left_click: ["left", 1], right_click: ["right", 1], middle_click: ["middle", 1], double_click: ["left", 2], triple_click: ["left", 3] } as const;

function fromAnthropic(input: z.infer<typeof anthropicInput>, cursor: { x: number; y: number }): ComputerAction {
  switch (input.action) {
    case "left_click":
    case "right_click":
    case "middle_click":
    case "double_click":
    case "triple_click": {
      const [button, clicks] = CLICKS[input.action];
      return { kind: "click", at: input.coordinate ? toPoint(input.coordinate) : cursor, button, clicks, modifiers: input.text };
    }
    case "mouse_move":
      return { kind: "move", at: toPoint(input.coordinate) };
    case "left_click_drag":
      return { kind: "drag", path: [toPoint(input.start_coordinate), toPoint(input.coordinate)], modifiers: [] };
    case "scroll": {
      const step = input.scroll_amount * SCROLL_STEP_PX;
      const [dx, dy] = { up: [0, -step], down: [0, step], left: [-step, 0], right: [step, 0] }[input.scroll_direction];
      return { kind: "scroll", at: toPoint(input.coordinate), dx: dx!, dy: dy!, modifiers: input.text };
    }
    case "type":
      return typeAction(input.text);
    case "key":
      return { kind: "keys", keys: keyChord(input.text), repeat: 1 };
    case "hold_key":
      // A held key is pressed for its duration; the page sees a press, which is all a browser needs.
      return { kind: "keys", keys: keyChord(input.text), repeat: 1 };
    case "wait":
      return { kind: "wait", ms: Math.round(input.duration * 1000) };
    case "screenshot":
      return { kind: "screenshot" };
    case "zoom": {
      const [x1, y1, x2, y2] = input.region;
      return { kind: "zoom", from: { x: x1, y: y1 }, to: { x: x2, y: y2 } };
    }
  }
}

/** The computer tool_use blocks of a message, each one call with one action. `cursor` is where a click without coordinates lands. */
export function anthropicComputerCalls(content: readonly unknown[], cursor: { x: number; y: number } = { x: 0, y: 0 }): ComputerCall[] {
  return content.flatMap((block) => {
    const use = block as { type?: unknown; name?: unknown; id?: unknown; input?: unknown } | null;
    if (use?.type !== "tool_use" || use.name !== "computer" || typeof use.id !== "string") return [];
    const parsed = anthropicInput.safeParse(use.input);
    if (!parsed.success) throw new ComputerCallError(`Unsupported computer action ${JSON.stringify(use.input).slice(0, 200)}`);
    return [{ callId: use.id, actions: [fromAnthropic(parsed.data, cursor)], safetyChecks: [] }];
  });
}

/** The tool_result answering a computer tool_use: a note (what happened, e.g. a refused click) and the screenshot. */
export function anthropicComputerResult(toolUseId: string, screenshot: { image: Buffer; mimeType: "image/png" | "image/jpeg" }, note?: string, isError = false) {
  return {
    type: "tool_result" as const,
    tool_use_id: toolUseId,
    is_error: isError,
    content: [
      ...(note ? [{ type: "text" as const, text: note }] : []),
      { type: "image" as const, source: { type: "base64" as const, media_type: screenshot.mimeType, data: screenshot.image.toString("base64") } },
    ],
  };
}
