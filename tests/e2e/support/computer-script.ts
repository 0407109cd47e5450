// The e2e model's computer-use turns. A prompt carrying computerUseMarker() makes the agent call
// use_browser on the fixture portal; its computer turns then click where the portal's controls
// are, measured when the fakes start on the same Chromium at the loop's viewport (what a model
// reading the screenshot would find), in the frame's pixels, and on the task's own wire: OpenAI
// batches a turn's actions in one computer_call, Anthropic sends one tool_use per action.
// "export" signs in (the runtime types the saved credential), then exports the CSV; "captcha"
// opens the portal's CAPTCHA, which the script will not try, and asks for a person instead.
import { chromium } from "playwright-core";
import { totp } from "../../fixtures/portal/totp";
import type { ScriptedReply, ScriptedTurn } from "../../../lib/agent/scripted-model/server";
import { chromiumLaunchOptions } from "./browser";
import { COMPUTER_USE_CREDENTIAL, COMPUTER_USE_GOAL, E2E_PORTAL, PORTAL_URL, type ComputerUseWire } from "./fakes";

/** The loop's viewport and the frame it sends (lib/computer-use/frame.ts): 1280x800 shown as 1024x640. */
const VIEWPORT = { width: 1280, height: 800 };
const FRAME_SCALE = 1024 / 1280;

type Point = { x: number; y: number };
const at = new Map<string, Point>();

/** Where the sign-in, code and export controls sit, in frame pixels. */
export async function measurePortal(): Promise<void> {
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const centre = async (id: string) => {
      const box = (await page.locator(`#${id}`).boundingBox())!;
      at.set(id, { x: Math.floor((box.x + box.width / 2) * FRAME_SCALE), y: Math.floor((box.y + box.height / 2) * FRAME_SCALE) });
    };
    await page.goto(`${PORTAL_URL}/login`);
    for (const id of ["username", "password", "sign-in"]) await centre(id);
    // The measuring session signs in with the password directly; the runs never see it.
    await page.fill("#username", E2E_PORTAL.username);
    await page.fill("#password", E2E_PORTAL.password);
    await page.click("#sign-in");
    await page.waitForURL(/\/totp/);
    for (const id of ["totp-code", "verify"]) await centre(id);
    await page.fill("#totp-code", totp(E2E_PORTAL.totpSecret));
    await page.click("#verify");
    await page.waitForURL(/\/invoices/);
    await centre("export-csv");
  } finally {
    await browser.close();
  }
}

type Step = { click: string } | { type: string };

const secret = (field?: "username" | "totp") => `{{secret:${COMPUTER_USE_CREDENTIAL}${field ? `.${field}` : ""}}}`;
const EXPORT_PLAN: Step[][] = [
  [{ click: "username" }, { type: secret("username") }, { click: "password" }, { type: secret() }, { click: "sign-in" }],
  [{ click: "totp-code" }, { type: secret("totp") }, { click: "verify" }],
  [{ click: "export-csv" }],
];

/** The agent's turn: hand the goal to use_browser once, then report what it said. */
export function agentTurn(turn: ScriptedTurn, task: "export" | "captcha", wire: ComputerUseWire): ScriptedReply {
  const result = turn.input.findLast((item) => item.type === "tool_result");
  if (result) return { text: `# Browser\n\n${result.isError ? "It failed" : "It finished"}: ${result.output.slice(0, 800)}` };
  const goal = `${COMPUTER_USE_GOAL} ${task} ${wire}: ${task === "export" ? "sign in to the billing portal and export the invoices as CSV" : "get past the portal's check"}`;
  const startUrl = `${PORTAL_URL}${task === "export" ? "/login" : "/captcha"}`;
  return { text: "Opening the portal.", toolCalls: [{ name: "use_browser", arguments: { goal, startUrl, origins: [PORTAL_URL], ...(task === "export" ? { credential: COMPUTER_USE_CREDENTIAL } : {}) } }] };
}

/** A computer turn: the next step of the plan, on the task's wire; the n-th turn is the n-th step. */
export function computerTurn(turn: ScriptedTurn, task: "export" | "captcha", wire: ComputerUseWire): ScriptedReply {
  const done = turn.input.filter((item) => item.type === "assistant").length;
  if (task === "captcha") {
    if (done === 0) return { toolCalls: [{ name: "ask_person", arguments: { reason: "The page shows a CAPTCHA only a person may solve." } }] };
    const note = turn.input.findLast((item) => item.type === "tool_result");
    return { text: `A person got past the check (${note?.type === "tool_result" ? note.output.slice(0, 200) : "no note"}).` };
  }
  const steps = EXPORT_PLAN[done];
  if (!steps) return { text: `Signed in and exported the CSV in ${done} turns.` };
  const action = (step: Step) => {
    if ("type" in step) return wire === "openai" ? { type: "type", text: step.type } : { action: "type", text: step.type };
    const point = at.get(step.click);
    if (!point) throw new Error(`The portal was not measured (no ${step.click}).`);
    return wire === "openai" ? { type: "click", button: "left", x: point.x, y: point.y } : { action: "left_click", coordinate: [point.x, point.y] };
  };
  return wire === "openai"
    ? { toolCalls: [{ name: "computer", arguments: { actions: steps.map(action) } }] }
    : { toolCalls: steps.map((step) => ({ name: "computer", arguments: action(step) })) };
}

/** The computer-use task a turn belongs to, from the goal the agent gave use_browser (or the task's prompt). */
export function computerUseTask(text: string): { task: "export" | "captcha"; wire: ComputerUseWire } | null {
  const match = new RegExp(`(?:\\[e2e:computer-use|${COMPUTER_USE_GOAL}) (export|captcha) (openai|anthropic)`).exec(text);
  return match ? { task: match[1] as "export" | "captcha", wire: match[2] as ComputerUseWire } : null;
}
