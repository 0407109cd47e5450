// Carries out one computer call on a browser session's page: every action checked for risk against
// the page (not the model's say-so), a risky click first guarded against a page that changed since
// the frame the model saw, then put to the person through `authorize`; secrets typed by the runtime.
// What happened to each action is recorded, and the turn ends with a fresh frame for the model.
import type { Page } from "playwright-core";
import type { BrowserSession } from "@/lib/browser";
import { SECRET_FIELD_ATTRIBUTE } from "@/lib/playbooks/perform-step";
import type { RiskClass } from "@/lib/tools/types";
import type { ComputerAction, ComputerCall, FramePoint, ProviderSafetyCheck } from "./action";
import { actionRisk, describeTarget, safetyCheckRisk, type ActionTarget } from "./action-risk";
import { captureFrame, captureZoom, toFrame, toViewport, type Frame, type FrameScale, type FrameSize } from "./frame";
import { compareRegion } from "./stale-click";

/** What a person is asked: the frame the model saw with the target's box, and what will happen. */
export interface ActionApproval {
  risk: RiskClass;
  reasons: string[];
  /** "Click "Delete account" at 812,440" (frame pixels, as on the picture). */
  description: string;
  frame: Frame;
  /** The target's box in frame pixels, to draw on the picture. */
  targetBox: { x: number; y: number; width: number; height: number } | null;
  safetyChecks: ProviderSafetyCheck[];
}

export interface ComputerEnvironment {
  session: BrowserSession;
  page: Page;
  /** The text behind a secret reference for this page's URL, or null when the task holds none for that site. */
  secretFor(reference: string, pageUrl: string): Promise<string | null>;
  /**
   * The user's policy and, when it says ask, a person: true only when the action may go ahead.
   * "pause" stops the call before the action (a durable loop asks the person outside its step and
   * runs the call again from that action); `index` is the action's (-1 for the provider's checks).
   */
  authorize(request: ActionApproval, index: number): Promise<boolean | "pause">;
  /**
   * Called for an authorized risky action just before it runs: a durable loop writes it in the
   * effect journal, and says not to run it when an earlier attempt of the same step already did
   * (or may have done) it. `finish` records what happened.
   */
  beginRisky?(request: ActionApproval, index: number): Promise<{ run: true; finish(outcome: { ok: boolean; output: string }): Promise<void> } | { run: false; reason: string }>;
  /** Called just before an action runs, on the page as it is (a durable loop draws the action on a frame for the timeline). */
  beforeAction?(action: ComputerAction, at: { x: number; y: number } | undefined, index: number): Promise<void>;
  maxFrame?: FrameSize;
}

/** "not-repeated": an earlier attempt of the step already did (or may have done) this risky action before a crash. */
export type ActionOutcome = "done" | "stale" | "denied" | "failed" | "skipped" | "waiting" | "not-repeated";

export interface ActionRecord {
  action: ComputerAction;
  /** Where it landed, in CSS pixels. */
  at?: { x: number; y: number };
  risk: RiskClass;
  outcome: ActionOutcome;
  note?: string;
}

export interface ComputerTurn {
  callId: string;
  actions: ActionRecord[];
  /** The page after the turn: what the model sees next. */
  frame: Frame;
  /** A zoomed region, when the model asked for one (Anthropic's zoom). */
  zoom?: Buffer;
  /** Checks a person approved, to acknowledge to the provider. */
  approvedChecks: ProviderSafetyCheck[];
  /** What the model is told beside the screenshot: why the turn stopped short, if it did. */
  note?: string;
  /** The call stopped before this action for a person's decision (authorize said "pause"). */
  waiting?: { index: number; request: ActionApproval };
}

function pointOf(action: ComputerAction): FramePoint | undefined {
  if (action.kind === "click" || action.kind === "move" || action.kind === "scroll") return action.at;
  if (action.kind === "drag") return action.path[0];
  return undefined;
}

export function describeAction(action: ComputerAction, target: ActionTarget | null): string {
  const named = target?.name ? ` "${target.name}"` : "";
  const at = pointOf(action);
  const where = at ? ` at ${Math.round(at.x)},${Math.round(at.y)}` : "";
  switch (action.kind) {
    case "click":
      return `${action.clicks === 2 ? "Double-click" : action.button === "right" ? "Right-click" : "Click"}${named}${where}`;
    case "type":
      return `Type ${JSON.stringify(action.text.slice(0, 80))}${named ? ` into${named}` : ""}`;
    case "type_secret":
      return `Type the secret "${action.reference}"${named ? ` into${named}` : ""}`;
    case "keys":
      return `Press ${action.keys.join("+")}${named ? ` in${named}` : ""}`;
    default:
      return `${action.kind}${named}${where}`;
  }
}

function frameBox(scale: FrameScale, box: ActionTarget["box"] | undefined) {
  if (!box) return null;
  const a = toFrame(scale, { x: box.x, y: box.y });
  const b = toFrame(scale, { x: box.x + box.width, y: box.y + box.height });
  return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
}

async function withModifiers(page: Page, keys: readonly string[], work: () => Promise<void>): Promise<void> {
  for (const key of keys) await page.keyboard.down(key);
  try {
    await work();
  } finally {
    for (const key of [...keys].reverse()) await page.keyboard.up(key);
  }
}

async function perform(env: ComputerEnvironment, scale: FrameScale, action: ComputerAction, turn: { zoom?: Buffer }): Promise<void> {
  const { page, session } = env;
  const map = (point: FramePoint) => toViewport(scale, point);
  switch (action.kind) {
    case "click": {
      const at = map(action.at);
      return withModifiers(page, action.modifiers, () => page.mouse.click(at.x, at.y, { button: action.button, clickCount: action.clicks }));
    }
    case "move": {
      const at = map(action.at);
      return page.mouse.move(at.x, at.y);
    }
    case "drag":
      return withModifiers(page, action.modifiers, async () => {
        const [first, ...rest] = action.path.map(map);
        await page.mouse.move(first!.x, first!.y);
        await page.mouse.down();
        for (const point of rest) await page.mouse.move(point.x, point.y, { steps: 5 });
        await page.mouse.up();
      });
    case "scroll": {
      const at = map(action.at);
      await page.mouse.move(at.x, at.y);
      return withModifiers(page, action.modifiers, () => page.mouse.wheel(action.dx, action.dy));
    }
    case "type":
      return page.keyboard.type(action.text);
    case "type_secret": {
      const secret = await env.secretFor(action.reference, page.url());
      if (secret === null) throw new Error(`No secret "${action.reference}" is held for ${new URL(page.url()).origin}.`);
      // Marked first, so every later frame paints the field over whatever its type.
      await page.evaluate((attribute) => document.activeElement?.setAttribute(attribute, ""), SECRET_FIELD_ATTRIBUTE);
      return session.untraced(() => page.keyboard.type(secret));
    }
    case "keys":
      for (let i = 0; i < action.repeat; i++) await page.keyboard.press(action.keys.join("+"));
      return;
    case "wait":
      // The model asked the page for time (a spinner, a slow load); that is the signal it waits on.
      return page.waitForTimeout(action.ms);
    case "screenshot":
      return;
    case "zoom":
      turn.zoom = await captureZoom(page, scale, action.from, action.to);
      return;
  }
}

/** Runs one call's actions in order against the frame the model saw; stops at the first refused, stale or failed one. */
export async function executeComputerCall(env: ComputerEnvironment, call: ComputerCall, seen: Frame, options: { from?: number } = {}): Promise<ComputerTurn> {
  const from = options.from ?? 0;
  const records: ActionRecord[] = call.actions.map((action) => ({ action, risk: "read", outcome: "skipped" }));
  let waiting: ComputerTurn["waiting"];
  const turn: { zoom?: Buffer } = {};
  let note: string | undefined;
  let approvedChecks: ProviderSafetyCheck[] = [];
  const finish = async (): Promise<ComputerTurn> => ({
    callId: call.callId,
    actions: records,
    frame: await env.session.run(() => captureFrame(env.page, env.maxFrame)),
    zoom: turn.zoom,
    approvedChecks,
    note,
    ...(waiting ? { waiting } : {}),
  });

  const flagged = safetyCheckRisk(call.safetyChecks);
  if (flagged) {
    const description = `The provider asks for a check before: ${call.actions.map((action) => describeAction(action, null)).join(", ")}`;
    const request = { ...flagged, description, frame: seen, targetBox: null, safetyChecks: call.safetyChecks };
    const approved = await env.authorize(request, -1);
    if (approved === "pause") {
      for (const record of records) record.outcome = "waiting";
      waiting = { index: -1, request };
      return finish();
    }
    if (!approved) {
      note = `A person did not approve this call (${flagged.reasons.join("; ")}); none of its actions ran.`;
      for (const record of records) record.outcome = "denied";
      return finish();
    }
    approvedChecks = call.safetyChecks;
  }

  for (const [index, record] of records.entries()) {
    if (index < from) continue;
    const { action } = record;
    const point = pointOf(action);
    const at = point ? toViewport(seen.scale, point) : undefined;
    record.at = at;
    let finishRisky: ((outcome: { ok: boolean; output: string }) => Promise<void>) | undefined;
    try {
      const target = at ? await describeTarget(env.page, at) : action.kind.startsWith("type") || action.kind === "keys" ? await describeTarget(env.page, "focused") : null;
      const secretAllowed = action.kind === "type_secret" ? (await env.secretFor(action.reference, env.page.url())) !== null : false;
      const risk = actionRisk(action, target, { secretAllowed });
      record.risk = risk.risk;
      if (risk.risk !== "read") {
        if (point && (action.kind === "click" || action.kind === "drag")) {
          const fresh = await env.session.run(() => captureFrame(env.page, env.maxFrame));
          const comparison = compareRegion(seen.image, fresh.image, point);
          if (comparison.changed) {
            record.outcome = "stale";
            note = `The page changed at ${Math.round(point.x)},${Math.round(point.y)} since your screenshot, so Baton did not click. Look at the new screenshot and try again.`;
            break;
          }
        }
        const request = {
          risk: risk.risk,
          reasons: risk.reasons,
          description: describeAction(action, target),
          frame: seen,
          targetBox: frameBox(seen.scale, target?.box),
          safetyChecks: [],
        };
        const approved = await env.authorize(request, index);
        if (approved === "pause") {
          record.outcome = "waiting";
          waiting = { index, request };
          break;
        }
        if (!approved) {
          record.outcome = "denied";
          note = `A person did not approve: ${describeAction(action, target)} (${risk.reasons.join("; ")}). It was not done.`;
          break;
        }
        const begun = await env.beginRisky?.(request, index);
        if (begun && !begun.run) {
          // Never clicked blindly a second time: the model looks at the page as it is and decides
          // (doing it again is a new action, put to the person again).
          record.outcome = "not-repeated";
          record.note = begun.reason;
          note = `${describeAction(action, target)}: ${begun.reason}. Look at the new screenshot to see whether it took effect before doing anything like it again.`;
          break;
        }
        finishRisky = begun?.finish;
      }
      await env.beforeAction?.(action, at, index);
      await env.session.run(() => perform(env, seen.scale, action, turn));
      record.outcome = "done";
    } catch (error) {
      record.outcome = "failed";
      record.note = error instanceof Error ? error.message : String(error);
      note = `${describeAction(action, null)} failed: ${record.note}`;
      await finishRisky?.({ ok: false, output: record.note.slice(0, 500) });
      break;
    }
    // Outside the try: a journal that cannot be written fails the step, whose next attempt then finds the intent and does not repeat the action.
    await finishRisky?.({ ok: true, output: "done" });
  }
  return finish();
}
