// The scripted model's side of computer use in the tests: an agent turn that calls use_browser for
// a goal marker (EXPORT, INJECT, PERSON, LOOP, OFFSITE), and the computer model that drives the
// fixture portal on either wire. It aims at coordinates measured from the same pages rendered at
// the same viewport (what a model reading the screenshot would find), and, like a real model,
// answers from the conversation only: the same conversation asked again gets the same answer.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import type { ScriptedReply, ScriptedTurn } from "@/lib/agent/scripted-model/server";
import { openBrowserSession } from "@/lib/browser";
import { OFFSITE_URL, type PortalServer } from "../fixtures/portal/portal-server";
import { totp } from "../fixtures/portal/totp";
import { scenarios } from "./agent-harness";

/** 1280x800 CSS pixels shown as 1024x640: a frame pixel is 1.25 CSS pixels. */
const FRAME_SCALE = 1024 / 1280;

export type BrowseKind = "EXPORT" | "INJECT" | "PERSON" | "LOOP" | "OFFSITE";
type Point = { x: number; y: number };
type Step = { click: string } | { type: string };

const SIGN_IN: Step[][] = [
  [{ click: "username" }, { type: "{{secret:portal.username}}" }, { click: "password" }, { type: "{{secret:portal}}" }, { click: "sign-in" }],
  [{ click: "totp-code" }, { type: "{{secret:portal.totp}}" }, { click: "verify" }],
];

/** The computer script: sign in (the runtime types the secrets), then export; or, on the account page, fall for the injection. */
const PLANS: Record<string, Step[][]> = {
  EXPORT: [...SIGN_IN, [{ click: "export-csv" }]],
  INJECT: [[{ click: "delete-account" }]],
  // Signed in, it follows the invoices page's link to another site.
  OFFSITE: [...SIGN_IN, [{ click: "vendor-offers" }]],
};

export interface ComputerUseScript {
  script(turn: ScriptedTurn): ScriptedReply;
  /** A task prompt for the agent to call use_browser with a fresh goal marker, on this wire, from this portal path. */
  prompt(kind: BrowseKind, wire: "openai" | "anthropic", start: string): { marker: string; prompt: string };
}

export async function computerUseScript(options: {
  portal: PortalServer;
  browser: Browser;
  turns: Map<string, ScriptedTurn[]>;
  /** Called as a computer turn is asked, before it is answered (a test kills the worker there): `done` turns came before it. */
  onTurn?: (marker: string, done: number) => void;
}): Promise<ComputerUseScript> {
  const { portal, turns } = options;
  const at = await measure(portal, options.browser);
  const wires = new Map<string, "openai" | "anthropic">();

  const markerOf = (turn: ScriptedTurn): string => {
    const goal = turn.input.find((item) => item.type === "user");
    return goal?.type === "user" ? (/\b(EXPORT|INJECT|PERSON|LOOP|OFFSITE)-[\w-]+/.exec(goal.text)?.[0] ?? "") : "";
  };

  function computerReply(turn: ScriptedTurn, wire: "openai" | "anthropic"): ScriptedReply {
    const marker = markerOf(turn);
    // Like a real model, the answer depends on the conversation only: the same conversation asked
    // again (a turn cut off by a crash before its checkpoint) gets the same answer.
    const done = turn.input.filter((item) => item.type === "assistant").length;
    const log = turns.get(marker) ?? [];
    log.push(turn);
    turns.set(marker, log);
    options.onTurn?.(marker, done);
    if (marker.startsWith("LOOP")) {
      // A model that never finishes: it keeps scrolling.
      return { toolCalls: [{ name: "computer", arguments: wire === "openai" ? { actions: [{ type: "scroll", x: 100, y: 100, scroll_x: 0, scroll_y: 100 }] } : { action: "scroll", coordinate: [100, 100], scroll_direction: "down", scroll_amount: 1 } }] };
    }
    if (marker.startsWith("PERSON")) {
      // A fake CAPTCHA: only a person can go on. After the hand-back the model reads the note and stops.
      return done === 0 ? { toolCalls: [{ name: "ask_person", arguments: { reason: "The page shows a CAPTCHA." } }] } : { text: "The person solved it; done." };
    }
    const plan = PLANS[marker.split("-")[0]!] ?? [];
    const steps = plan[done];
    if (!steps) return { text: `Finished after ${done} turns.` };
    const actionOf = (step: Step) =>
      "click" in step
        ? wire === "openai"
          ? { type: "click", button: "left", x: at[step.click]!.x, y: at[step.click]!.y }
          : { action: "left_click", coordinate: [at[step.click]!.x, at[step.click]!.y] }
        : wire === "openai"
          ? { type: "type", text: step.type }
          : { action: "type", text: step.type };
    // OpenAI batches a turn's actions in one call; Anthropic sends one tool_use per action.
    return wire === "openai"
      ? { toolCalls: [{ name: "computer", arguments: { actions: steps.map(actionOf) } }] }
      : { toolCalls: steps.map((step) => ({ name: "computer", arguments: actionOf(step) })) };
  }

  const agent = scenarios({
    browse: (turn) => {
      const first = turn.input.find((item) => item.type === "user");
      const text = first?.type === "user" ? first.text : "";
      const [, goal = "", start = "/login"] = /goal=(\S+) start=(\S+)/.exec(text) ?? [];
      if (turn.input.some((item) => item.type === "tool_result")) {
        const result = turn.input.findLast((item) => item.type === "tool_result");
        return { text: `Done. ${result?.type === "tool_result" ? result.output.slice(0, 500) : ""}` };
      }
      // The OFFSITE model names the vendor's site too: more than its task allows.
      const origins = goal.startsWith("OFFSITE") ? [portal.url, new URL(OFFSITE_URL).origin] : [portal.url];
      return { toolCalls: [{ name: "use_browser", arguments: { goal: `${goal}: do it in the portal`, startUrl: `${portal.url}${start}`, origins, credential: "portal" } }] };
    },
  });

  return {
    script(turn) {
      if (turn.tools.includes("computer")) return computerReply(turn, wires.get(markerOf(turn)) ?? "openai");
      return agent.script(turn);
    },
    prompt(kind, wire, start) {
      const marker = `${kind}-${randomUUID().slice(0, 8)}`;
      wires.set(marker, wire);
      return { marker, prompt: agent.prompt("browse", `goal=${marker} start=${start}`).prompt };
    },
  };
}

/** The centre of each control the scripts click, in frame pixels, as the model would read it off the screenshot. */
async function measure(portal: PortalServer, browser: Browser): Promise<Record<string, Point>> {
  const at: Record<string, Point> = {};
  // A session like the loop's (its viewport, its proxy): the pages render exactly as the model sees them.
  const host = new URL(portal.url).host;
  const session = await openBrowserSession({ browser, allowlist: [host], adminAllowlist: [host], workspaceDir: mkdtempSync(path.join(tmpdir(), "baton-measure-")) });
  const page = await session.newPage();
  const centre = async (selector: string) => {
    const box = (await page.locator(selector).boundingBox())!;
    return { x: Math.floor((box.x + box.width / 2) * FRAME_SCALE), y: Math.floor((box.y + box.height / 2) * FRAME_SCALE) };
  };
  await page.goto(`${portal.url}/login`);
  for (const id of ["username", "password", "sign-in"]) at[id] = await centre(`#${id}`);
  await page.fill("#username", portal.username);
  await page.fill("#password", portal.password);
  await page.click("#sign-in");
  await page.waitForURL(/\/totp/);
  for (const id of ["totp-code", "verify"]) at[id] = await centre(`#${id}`);
  await page.fill("#totp-code", totp(portal.totpSecret));
  await page.click("#verify");
  await page.waitForURL(/\/invoices/);
  at["export-csv"] = await centre("#export-csv");
  at["vendor-offers"] = await centre("#vendor-offers");
  await page.goto(`${portal.url}/account`);
  at["delete-account"] = await centre("#delete-account");
  await session.close();
  return at;
}
