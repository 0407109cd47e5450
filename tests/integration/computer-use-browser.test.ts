// Computer use in real Chromium against the fixture portal, driven by the scripted model through
// the real SDK clients on both wires: the model sees a scaled frame and clicks a 10 px target in
// it; the runtime types the password from a credential reference, which never reaches the model
// or a frame; a page telling the agent to delete the account gets no deletion without a person;
// a button that moves between the frame and the click is not clicked; a provider safety check
// stops the call until a person approves.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startScriptedModelServer, type Script, type ScriptedModelServer, type ScriptedTurn } from "@/lib/agent/scripted-model/server";
import { launchBrowser, MASK_COLOR, openBrowserSession, type BrowserSession } from "@/lib/browser";
import {
  anthropicComputerModel,
  captureFrame,
  executeComputerCall,
  openAiComputerModel,
  runComputerUse,
  toFrame,
  type ActionApproval,
  type ComputerEnvironment,
  type ComputerTurn,
  type Frame,
} from "@/lib/computer-use";
import { MOVING_BUTTONS, startPortal, TINY_TARGET, type PortalServer } from "../fixtures/portal/portal-server";
import { decodePng } from "@/lib/computer-use/png-pixels";

let browser: Browser;
let portal: PortalServer;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  portal = await startPortal();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await portal.close();
  await browser.close();
});

interface Run {
  session: BrowserSession;
  page: Page;
  approvals: ActionApproval[];
  env: ComputerEnvironment;
}

/** A session on the portal; `decide` plays the person (and the policy) for every approval asked. */
async function openRun(startPath: string, decide: (request: ActionApproval) => boolean = () => false): Promise<Run> {
  const workspaceDir = await mkdtemp(path.join(os.tmpdir(), "baton-cu-"));
  const session = await openBrowserSession({ allowlist: [`127.0.0.1:${portal.port}`], adminAllowlist: [`127.0.0.1:${portal.port}`], workspaceDir, browser });
  cleanups.push(() => rm(workspaceDir, { recursive: true, force: true }), () => session.close());
  const page = await session.newPage();
  await session.goto(page, `${portal.url}${startPath}`);
  const approvals: ActionApproval[] = [];
  const env: ComputerEnvironment = {
    session,
    page,
    secretFor: async (reference, pageUrl) => (reference === "portal" && new URL(pageUrl).origin === portal.url ? portal.password : null),
    authorize: async (request) => {
      approvals.push(request);
      return decide(request);
    },
  };
  return { session, page, approvals, env };
}

/** The centre of the pure red pixels in a frame: what a model "looking" at the screenshot would aim at. */
function redCentre(png: Buffer): { x: number; y: number } | null {
  const pixels = decodePng(png);
  let [sumX, sumY, count] = [0, 0, 0];
  for (let y = 0; y < pixels.height; y++) {
    for (let x = 0; x < pixels.width; x++) {
      const [r, g, b] = pixels.at(x, y);
      if (r > 200 && g < 60 && b < 60) [sumX, sumY, count] = [sumX + x, sumY + y, count + 1];
    }
  }
  return count === 0 ? null : { x: Math.floor(sumX / count), y: Math.floor(sumY / count) };
}

async function serve(script: Script): Promise<ScriptedModelServer> {
  const server = await startScriptedModelServer({ script });
  cleanups.push(() => server.close());
  return server;
}

/** Drives the loop on the OpenAI wire until the model stops calling the computer (at most `maxTurns`). */
async function driveOpenAi(run: Run, server: ScriptedModelServer, goal: string, maxTurns = 6): Promise<ComputerTurn[]> {
  const model = openAiComputerModel(new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 }), { model: "computer-use" });
  return (await runComputerUse(run.env, model, { goal, maxTurns })).turns;
}

/** The same on the Anthropic wire (computer_20251124), one action per tool_use, answered together. */
async function driveAnthropic(run: Run, server: ScriptedModelServer, goal: string, maxTurns = 6): Promise<ComputerTurn[]> {
  const model = anthropicComputerModel(new Anthropic({ apiKey: "sk-ant-test", baseURL: server.anthropicUrl, maxRetries: 0 }), { model: "claude-scripted" });
  return (await runComputerUse(run.env, model, { goal, maxTurns })).turns;
}

const latestShot = (turn: ScriptedTurn) => turn.screenshots?.at(-1)?.image;

describe("frames and coordinates", () => {
  it("scales the 1280x800 viewport to a 1024x640 frame and maps a frame pixel back to the page exactly", async () => {
    const run = await openRun("/cu/target");
    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await captureFrame(run.page);
      timings.push(performance.now() - started);
    }
    const frame = await captureFrame(run.page);
    console.log(`frame capture (1280x800 -> 1024x640 PNG, masked): median ${timings.sort((a, b) => a - b)[2]!.toFixed(0)} ms, ${frame.image.length} bytes`);
    expect(frame.scale).toEqual({ viewport: { width: 1280, height: 800 }, frame: { width: 1024, height: 640 } });
    const { width, height } = decodePng(frame.image);
    expect([width, height]).toEqual([1024, 640]);
    // The 10 px target is 8 frame pixels wide, where the scale puts it.
    const centre = redCentre(frame.image)!;
    const expected = toFrame(frame.scale, { x: TINY_TARGET.x + TINY_TARGET.size / 2, y: TINY_TARGET.y + TINY_TARGET.size / 2 });
    expect(Math.abs(centre.x - expected.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(centre.y - expected.y)).toBeLessThanOrEqual(1);
  });

  it.each(["openai", "anthropic"] as const)("the %s wire: the model clicks the 10 px target it found in the scaled screenshot", async (wire) => {
    const run = await openRun("/cu/target");
    const clicks: { x: number; y: number }[] = [];
    const server = await serve((turn) => {
      const shot = latestShot(turn);
      if (clicks.length > 0) return { text: "Clicked the target." };
      // The goal came with the first frame; the model finds the target in it.
      const at = redCentre(shot!)!;
      clicks.push(at);
      const click = wire === "openai" ? { actions: [{ type: "click", button: "left", x: at.x, y: at.y }] } : { action: "left_click", coordinate: [at.x, at.y] };
      return { toolCalls: [{ name: "computer", arguments: click }] };
    });
    const turns = wire === "openai" ? await driveOpenAi(run, server, "Click the red square") : await driveAnthropic(run, server, "Click the red square");
    expect(clicks).toHaveLength(1);
    expect(turns.at(-1)!.actions.map((action) => action.outcome)).toEqual(["done"]);
    expect(await run.page.locator("#hits").textContent()).toBe("hits 1, misses 0");
  });
});

describe("the loop", () => {
  it.each(["openai", "anthropic"] as const)("the %s wire: stops at the turn budget however long the model keeps going, every turn recorded", async (wire) => {
    const run = await openRun("/cu/target");
    const recorded: ComputerTurn[] = [];
    const server = await serve((turn) => {
      const at = redCentre(latestShot(turn)!)!;
      return { toolCalls: [{ name: "computer", arguments: wire === "openai" ? { actions: [{ type: "click", button: "left", ...at }] } : { action: "left_click", coordinate: [at.x, at.y] } }] };
    });
    const model =
      wire === "openai"
        ? openAiComputerModel(new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0 }), { model: "computer-use" })
        : anthropicComputerModel(new Anthropic({ apiKey: "sk-ant-test", baseURL: server.anthropicUrl, maxRetries: 0 }), { model: "claude-scripted" });
    const result = await runComputerUse(run.env, model, { goal: "Keep clicking", maxTurns: 3, onTurn: (turn) => void recorded.push(turn) });
    expect(result.stoppedBy).toBe("turn budget");
    expect(result.turns).toHaveLength(3);
    expect(recorded).toEqual(result.turns);
    expect(await run.page.locator("#hits").textContent()).toBe("hits 3, misses 0");
    // Each turn's frame is the page after it: the third shows three hits.
    expect(recorded.every((turn) => decodePng(turn.frame.image).width === 1024)).toBe(true);
  });
});

describe("secrets", () => {
  it.each(["openai", "anthropic"] as const)("the %s wire: the runtime types the password from a reference; it is in no frame and nothing sent to the model", async (wire) => {
    const run = await openRun("/login");
    const frame = await captureFrame(run.page);
    const username = await run.page.locator("#username").boundingBox();
    const password = await run.page.locator("#password").boundingBox();
    const signIn = await run.page.locator("#sign-in").boundingBox();
    const at = (box: { x: number; y: number; width: number; height: number }) => {
      const point = toFrame(frame.scale, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
      return { x: Math.floor(point.x), y: Math.floor(point.y) };
    };
    const plan = [
      { kind: "click", at: at(username!) },
      { kind: "type", text: portal.username },
      { kind: "click", at: at(password!) },
      { kind: "type", text: "{{secret:portal}}" },
    ] as const;
    const bodies: string[] = [];
    let step = 0;
    const server = await serve((turn) => {
      bodies.push(JSON.stringify(turn.input), ...(turn.screenshots ?? []).map((shot) => shot.image.toString("latin1")));
      if (step === plan.length) {
        step++;
        const shot = latestShot(turn)!;
        // Before signing in: the password field in the model's frame is the mask colour.
        const masked = decodePng(shot).at(at(password!).x, at(password!).y);
        expect(masked).toEqual([0xff, 0x00, 0xff]);
        const click = at(signIn!);
        return { toolCalls: [{ name: "computer", arguments: wire === "openai" ? { actions: [{ type: "click", button: "left", ...click }] } : { action: "left_click", coordinate: [click.x, click.y] } }] };
      }
      if (step > plan.length) return { text: "Signed in." };
      const next = plan[step++]!;
      const args =
        next.kind === "click"
          ? wire === "openai"
            ? { actions: [{ type: "click", button: "left", ...next.at }] }
            : { action: "left_click", coordinate: [next.at.x, next.at.y] }
          : wire === "openai"
            ? { actions: [{ type: "type", text: next.text }] }
            : { action: "type", text: next.text };
      return { toolCalls: [{ name: "computer", arguments: args }] };
    });
    const turns = wire === "openai" ? await driveOpenAi(run, server, "Sign in", 8) : await driveAnthropic(run, server, "Sign in", 8);
    expect(turns.flatMap((turn) => turn.actions.map((action) => action.outcome)).every((outcome) => outcome === "done")).toBe(true);
    expect(run.approvals).toEqual([]);
    // Past the password step, to the TOTP page: the sign-in worked with the typed secret.
    expect(new URL(run.page.url()).pathname).toBe("/totp");
    expect(MASK_COLOR.toLowerCase()).toBe("#ff00ff");
    for (const body of bodies) expect(body).not.toContain(portal.password);
  });

  it("does not type a secret the task does not hold for the page's site", async () => {
    const run = await openRun("/login");
    const frame = await captureFrame(run.page);
    const turn = await executeComputerCall(run.env, { callId: "c1", actions: [{ kind: "type_secret", reference: "bank" }], safetyChecks: [] }, frame);
    expect(turn.actions[0]!.outcome).toBe("denied");
    expect(run.approvals[0]!.reasons).toEqual(['types the secret "bank", which is not held for this site']);
    expect(await run.page.locator("#password").inputValue()).toBe("");
  });
});

describe("risk and the person", () => {
  it.each(["openai", "anthropic"] as const)("the %s wire: a page telling the agent to delete the account gets no deletion until a person approves", async (wire) => {
    const before = portal.deletions();
    let approve = false;
    const run = await openRun("/account", () => approve);
    const button = await run.page.locator("#delete-account").boundingBox();
    const frame0 = await captureFrame(run.page);
    const point = toFrame(frame0.scale, { x: button!.x + button!.width / 2, y: button!.y + button!.height / 2 });
    const click = { x: Math.floor(point.x), y: Math.floor(point.y) };
    const server = await serve(() => ({
      toolCalls: [{ name: "computer", arguments: wire === "openai" ? { actions: [{ type: "click", button: "left", ...click }] } : { action: "left_click", coordinate: [click.x, click.y] } }],
    }));
    const [denied] = wire === "openai" ? await driveOpenAi(run, server, "Pay invoices", 1) : await driveAnthropic(run, server, "Pay invoices", 1);
    expect(denied!.actions[0]!.outcome).toBe("denied");
    expect(denied!.note).toContain("A person did not approve");
    expect(portal.deletions()).toBe(before);
    const [asked] = run.approvals;
    expect(asked).toMatchObject({ risk: "destructive", description: `Click "Delete account" at ${click.x},${click.y}` });
    // The box drawn on the approval's picture surrounds the point clicked.
    const box = asked!.targetBox!;
    expect(click.x).toBeGreaterThanOrEqual(box.x);
    expect(click.x).toBeLessThanOrEqual(box.x + box.width);

    approve = true;
    const [done] = wire === "openai" ? await driveOpenAi(run, server, "Pay invoices", 1) : await driveAnthropic(run, server, "Pay invoices", 1);
    expect(done!.actions[0]!.outcome).toBe("done");
    await expect.poll(() => portal.deletions()).toBe(before + 1);
  });

  it("does not click a button that moved between the model's frame and the click, and tells the model", async () => {
    const before = portal.deletions();
    const run = await openRun("/cu/moving", () => true);
    const seen = await captureFrame(run.page);
    const { a, width, height } = MOVING_BUTTONS;
    const target = toFrame(seen.scale, { x: a.x + width / 2, y: a.y + height / 2 });
    const point = { x: Math.floor(target.x), y: Math.floor(target.y) };
    // The page reflows after the screenshot: "Delete account" is now where "Send report" was.
    await run.page.evaluate(() => (window as unknown as { moveButtons(): void }).moveButtons());
    const turn = await executeComputerCall(run.env, { callId: "c1", actions: [{ kind: "click", at: point, button: "left", clicks: 1, modifiers: [] }], safetyChecks: [] }, seen);
    expect(turn.actions[0]!.outcome).toBe("stale");
    expect(turn.note).toContain("The page changed");
    expect(run.approvals).toEqual([]);
    expect(portal.deletions()).toBe(before);
    expect(await run.page.locator("#log").textContent()).toBe("none");
  });

  it("a risky click on an unchanged page goes to the person, and runs when approved", async () => {
    const run = await openRun("/cu/moving", () => true);
    const seen: Frame = await captureFrame(run.page);
    const { a, width, height } = MOVING_BUTTONS;
    const target = toFrame(seen.scale, { x: a.x + width / 2, y: a.y + height / 2 });
    const turn = await executeComputerCall(run.env, { callId: "c1", actions: [{ kind: "click", at: { x: Math.floor(target.x), y: Math.floor(target.y) }, button: "left", clicks: 1, modifiers: [] }], safetyChecks: [] }, seen);
    expect(turn.actions[0]!.outcome).toBe("done");
    expect(run.approvals.map((request) => [request.risk, request.description])).toEqual([["external", `Click "Send report" at ${Math.floor(target.x)},${Math.floor(target.y)}`]]);
    expect(await run.page.locator("#log").textContent()).toBe("sent");
  });

  it("an OpenAI pending safety check stops the whole call until a person approves, and only then is acknowledged", async () => {
    const run = await openRun("/cu/target");
    let answer = false;
    run.env.authorize = async (request) => {
      run.approvals.push(request);
      return answer;
    };
    const seen = await captureFrame(run.page);
    const at = redCentre(seen.image)!;
    const call = {
      callId: "call_1",
      actions: [{ kind: "click" as const, at, button: "left" as const, clicks: 1, modifiers: [] }],
      safetyChecks: [{ id: "sc_1", code: "malicious_instructions", message: "Possible injected instructions" }],
    };
    const refused = await executeComputerCall(run.env, call, seen);
    expect(refused.actions[0]!.outcome).toBe("denied");
    expect(refused.approvedChecks).toEqual([]);
    expect(run.approvals[0]).toMatchObject({ risk: "external", safetyChecks: call.safetyChecks });
    expect(await run.page.locator("#hits").textContent()).toBe("hits 0, misses 0");
    answer = true;
    const approved = await executeComputerCall(run.env, call, refused.frame);
    expect(approved.approvedChecks).toEqual(call.safetyChecks);
    expect(await run.page.locator("#hits").textContent()).toBe("hits 1, misses 0");
  });
});

describe("the other actions", () => {
  it("scrolls, types with keys, double-clicks and zooms on a real page", async () => {
    const run = await openRun("/invoices");
    // Not signed in: the portal shows the sign-in page; a long page is made for the scroll.
    await run.page.setContent(
      `<div style="height:3000px"><input id="field" style="position:absolute;top:100px;left:100px;width:300px"><p id="word" style="position:absolute;top:200px;left:100px;margin:0;font-size:20px">double</p></div>` +
        `<script>document.getElementById("word").addEventListener("dblclick",()=>document.title="dbl")</script>`,
    );
    const seen = await captureFrame(run.page);
    const field = toFrame(seen.scale, { x: 150, y: 110 });
    const word = toFrame(seen.scale, { x: 110, y: 210 });
    const turn = await executeComputerCall(
      run.env,
      {
        callId: "c1",
        safetyChecks: [],
        actions: [
          { kind: "click", at: field, button: "left", clicks: 1, modifiers: [] },
          { kind: "type", text: "abc" },
          { kind: "keys", keys: ["Backspace"], repeat: 2 },
          { kind: "click", at: word, button: "left", clicks: 2, modifiers: [] },
          { kind: "zoom", from: { x: 0, y: 0 }, to: { x: 100, y: 50 } },
          { kind: "scroll", at: { x: 500, y: 300 }, dx: 0, dy: 400, modifiers: [] },
        ],
      },
      seen,
    );
    expect(turn.actions.map((action) => action.outcome)).toEqual(["done", "done", "done", "done", "done", "done"]);
    expect(await run.page.locator("#field").inputValue()).toBe("a");
    expect(await run.page.title()).toBe("dbl");
    await expect.poll(() => run.page.evaluate(() => window.scrollY)).toBe(400);
    // The zoom is the region at full resolution: 100x50 frame pixels are 125x63 CSS pixels or so.
    const zoom = decodePng(turn.zoom!);
    expect(zoom.width).toBeGreaterThanOrEqual(125);
    expect(zoom.height).toBeGreaterThanOrEqual(62);
  });
});
