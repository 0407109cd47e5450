// use_browser: the third tier. When no API or playbook fits, the model drives an isolated browser
// from screenshots towards a goal, on the origins the call names and nowhere else (every
// navigation, redirect, popup and download goes through the browser runtime's allowlist). Whether
// it may start at all is the person's "computer use" policy class (off by default); each risky
// action inside it is put to the person like a tool call. It runs as durable steps of its own
// (lib/computer-use/durable-loop), so a crash resumes at the last confirmed turn.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { Browser } from "playwright-core";
import { z } from "zod";
import { runtimeConnection, type ProviderId } from "@/lib/agent/providers/registry";
import { launchBrowser } from "@/lib/browser";
import { resolveCredential } from "@/lib/credentials/resolve-credential";
import type { Db } from "@/lib/db";
import { anthropicComputerModel, openAiComputerModel, type ComputerModel } from "@/lib/computer-use/computer-model";
import { DEFAULT_COMPUTER_USE_BUDGET, runDurableComputerUse, type ComputerUseBudget } from "@/lib/computer-use/durable-loop";
import { holdToTaskOrigins } from "@/lib/computer-use/task-origins";
import { appendStepEvent } from "@/lib/tasks/timeline";
import { ToolError, type ToolDefinition } from "../types";

export const USE_BROWSER_TOOL = "use_browser";

const origin = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), "an http(s) origin such as https://portal.example.com")
  .transform((value) => new URL(value).origin);

export const useBrowserInputSchema = z.object({
  goal: z.string().trim().min(1).max(2_000).describe("What to get done in the browser, in the person's terms."),
  startUrl: z.string().trim().url().describe("The page to open first."),
  origins: z.array(origin).min(1).max(5).describe("Every origin the browser may open (the start URL's among them); anything else is refused."),
  credential: z
    .string()
    .trim()
    .regex(/^[\w.-]{1,100}$/)
    .optional()
    .describe("A saved credential to sign in with: type {{secret:NAME.username}}, {{secret:NAME}} (the password) or {{secret:NAME.totp}}; Baton types it."),
});
export type UseBrowserInput = z.infer<typeof useBrowserInputSchema>;

export interface UseBrowserToolOptions {
  db: Db;
  budget?: Partial<ComputerUseBudget>;
  /** The worker's Chromium for computer use (one per worker, a context per call). */
  browser?: () => Promise<Browser>;
  /** The computer model for a run (tests); by default the run's own provider and model. */
  model?: (params: { provider: string; model: string }, from?: Parameters<typeof openAiComputerModel>[1]["from"]) => ComputerModel;
}

function hostsOf(origins: readonly string[]): string[] {
  return origins.map((value) => new URL(value).host);
}

async function modelFor(db: Db, run: { provider: string; model: string }): Promise<(from?: Parameters<typeof openAiComputerModel>[1]["from"]) => ComputerModel> {
  const connection = await runtimeConnection(db, run.provider as ProviderId);
  if (!connection) throw new ToolError(`The ${run.provider} model is not set up, so it cannot drive the browser.`);
  if (run.provider === "anthropic") {
    const client = new Anthropic({ apiKey: connection.apiKey ?? "", ...(connection.baseUrl ? { baseURL: connection.baseUrl } : {}), maxRetries: 2 });
    return (from) => anthropicComputerModel(client, { model: run.model, from });
  }
  if (run.provider === "openai") {
    const client = new OpenAI({ apiKey: connection.apiKey ?? "", ...(connection.baseUrl ? { baseURL: connection.baseUrl } : {}), maxRetries: 2 });
    return (from) => openAiComputerModel(client, { model: run.model, from });
  }
  throw new ToolError(`Computer use needs OpenAI's or Anthropic's computer tool; this task runs on ${run.provider}.`);
}

export function createUseBrowserTool(options: UseBrowserToolOptions): ToolDefinition<typeof useBrowserInputSchema> {
  const { db } = options;
  let shared: Promise<Browser> | undefined;
  const browser =
    options.browser ??
    (async () => {
      const existing = shared && (await shared.catch(() => undefined));
      if (existing?.isConnected()) return existing;
      shared = launchBrowser();
      return shared;
    });
  const budget = { ...DEFAULT_COMPUTER_USE_BUDGET, ...options.budget };
  return {
    name: USE_BROWSER_TOOL,
    description:
      "Drive an isolated web browser from screenshots to reach a goal on a site with no API or playbook: the last resort. Name every origin it may open; " +
      "sign in with a saved credential by name (you never see it). Risky clicks and typing wait for the person. You get the browser's report, the URL it ended on " +
      "and the names of any files it downloaded (saved as artifacts).",
    input: useBrowserInputSchema,
    policyClass: "computer-use",
    risk: () => "external",
    target: (input) => `${input.goal.slice(0, 120)} on ${hostsOf(input.origins).join(", ")}`,
    idempotent: () => false,
    async run() {
      throw new ToolError("use_browser runs only inside a task's workflow.");
    },
    async runDurably(input, run) {
      const { context } = run;
      if (!input.origins.includes(new URL(input.startUrl).origin)) {
        return { kind: "error", message: `The start URL ${input.startUrl} is not on one of the origins named (${input.origins.join(", ")}).` };
      }
      // Scoped to the user in the query; the task's origins ride along (a step recorded before they existed has none).
      const row: { provider: string; model: string; task?: { browserOrigins: string[] } } = await run.ctx.step(`cu-${run.key}-model-of`, () =>
        db.run.findFirstOrThrow({ where: { id: context.runId, task: { userId: context.userId } }, select: { provider: true, model: true, task: { select: { browserOrigins: true } } } }),
      );
      const taskOrigins = row.task?.browserOrigins ?? [];
      // The task's list is the bound: what the call names beyond it is left out, whatever the model (or a page it read) says.
      const held = holdToTaskOrigins(input.origins, taskOrigins);
      if (!held.origins.includes(new URL(input.startUrl).origin)) {
        return { kind: "error", message: `The start URL ${input.startUrl} is not on this task's origins (${taskOrigins.join(", ")}); the browser opens only those.` };
      }
      if (held.leftOut.length > 0) {
        await run.ctx.step(`cu-${run.key}-origins`, () =>
          appendStepEvent(db, {
            taskId: context.taskId,
            runId: context.runId,
            stepKey: `cu-${run.key}-origins`,
            type: "computer.refused",
            actor: "system",
            message: `The browser may open only this task's origins: left out ${held.leftOut.join(", ")}.`.slice(0, 500),
            data: { leftOut: held.leftOut, taskOrigins },
          }),
        );
      }
      let model: (from?: Parameters<typeof openAiComputerModel>[1]["from"]) => ComputerModel;
      try {
        model = options.model ? (from) => options.model!(row, from) : await modelFor(db, row);
      } catch (error) {
        return { kind: "error", message: error instanceof Error ? error.message : String(error) };
      }
      return runDurableComputerUse({
        db,
        run,
        userId: context.userId,
        goal: held.leftOut.length > 0 ? `${input.goal}\n(This task lets the browser open only ${held.origins.join(", ")}.)` : input.goal,
        startUrl: input.startUrl,
        allowlist: hostsOf(held.origins),
        adminAllowlist: context.httpAllowlist,
        browser,
        model,
        budget,
        async secretFor(reference, pageUrl) {
          const [name, field = "password"] = reference.split(".") as [string, string?];
          if (!input.credential || name !== input.credential) return null;
          try {
            const credential = await resolveCredential(db, { userId: context.userId, name, origin: pageUrl });
            return field === "username" ? credential.username : field === "totp" ? credential.totp() : field === "password" ? credential.password : null;
          } catch {
            return null;
          }
        },
      });
    },
  };
}
