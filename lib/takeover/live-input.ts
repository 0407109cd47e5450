// What the phone sends back to the page, in the page's own CSS pixels (the viewer maps its image
// to the frame's device size), and how each becomes CDP input events.
import type { CDPSession } from "playwright-core";
import { z } from "zod";

const point = { x: z.number().finite().min(0).max(20_000), y: z.number().finite().min(0).max(20_000) };

export const liveInputSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("tap"), ...point }),
  z.object({ kind: z.literal("scroll"), ...point, dy: z.number().finite().min(-20_000).max(20_000) }),
  z.object({ kind: z.literal("text"), text: z.string().min(1).max(500) }),
  z.object({ kind: z.literal("key"), key: z.enum(["Enter", "Backspace", "Tab", "Escape"]) }),
]);
export type LiveInput = z.infer<typeof liveInputSchema>;

const keyCodes = { Enter: 13, Backspace: 8, Tab: 9, Escape: 27 } as const;

/** Dispatches the input; returns how many keys it typed (counted, never recorded). */
export async function dispatchLiveInput(cdp: CDPSession, input: LiveInput): Promise<number> {
  if (input.kind === "tap") {
    // Mouse events, not touch: the run's page is a desktop viewport and its click handlers expect them.
    const at = { x: input.x, y: input.y };
    await cdp.send("Input.dispatchMouseEvent", { type: "mouseMoved", ...at });
    await cdp.send("Input.dispatchMouseEvent", { type: "mousePressed", ...at, button: "left", buttons: 1, clickCount: 1 });
    await cdp.send("Input.dispatchMouseEvent", { type: "mouseReleased", ...at, button: "left", buttons: 0, clickCount: 1 });
    return 0;
  }
  if (input.kind === "scroll") {
    await cdp.send("Input.dispatchMouseEvent", { type: "mouseWheel", x: input.x, y: input.y, deltaX: 0, deltaY: input.dy });
    return 0;
  }
  if (input.kind === "text") {
    await cdp.send("Input.insertText", { text: input.text });
    return [...input.text].length;
  }
  const code = keyCodes[input.key];
  const key = { key: input.key, code: input.key, windowsVirtualKeyCode: code, nativeVirtualKeyCode: code };
  await cdp.send("Input.dispatchKeyEvent", { ...(input.key === "Enter" ? { type: "keyDown", text: "\r" } : { type: "rawKeyDown" }), ...key });
  await cdp.send("Input.dispatchKeyEvent", { type: "keyUp", ...key });
  return 1;
}
