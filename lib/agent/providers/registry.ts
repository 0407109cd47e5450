// Which models this Baton can use, from configuration, and the provider object for each. The demo
// model is always offered, clearly labelled, so a new install can show the whole flow.
import OpenAI from "openai";
import { env } from "@/lib/env";
import { openAiChatProvider } from "./openai-chat";
import { openAiResponsesProvider } from "./openai-responses";
import type { ModelProvider } from "./types";

export const PROVIDER_IDS = ["openai", "openai-compatible", "demo"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface ModelChoice {
  provider: ProviderId;
  model: string;
  label: string;
}

export const DEMO_CHOICE: ModelChoice = { provider: "demo", model: "scripted", label: "Demo model (scripted, no AI)" };

export function configuredModel(): ModelChoice | undefined {
  const { BATON_MODEL_PROVIDER, BATON_MODEL, OPENAI_API_KEY, OPENAI_BASE_URL } = env();
  if (BATON_MODEL_PROVIDER === "openai-compatible" && OPENAI_BASE_URL) {
    const model = BATON_MODEL ?? "llama3.2";
    return { provider: "openai-compatible", model, label: `${model} at ${new URL(OPENAI_BASE_URL).host}` };
  }
  if (OPENAI_API_KEY && BATON_MODEL_PROVIDER !== "openai-compatible") {
    const model = BATON_MODEL ?? "gpt-5-mini";
    return { provider: "openai", model, label: `OpenAI ${model}` };
  }
  return undefined;
}

/** The configured model first (the default), then the demo model. */
export function modelChoices(): ModelChoice[] {
  const configured = configuredModel();
  return configured ? [configured, DEMO_CHOICE] : [DEMO_CHOICE];
}

export function findModelChoice(provider: string, model: string): ModelChoice | undefined {
  return modelChoices().find((choice) => choice.provider === provider && choice.model === model);
}

export function createProvider(provider: ProviderId, options: { demoUrl: () => string }): ModelProvider {
  const { OPENAI_API_KEY, OPENAI_BASE_URL } = env();
  switch (provider) {
    case "openai":
      return openAiResponsesProvider(new OpenAI({ apiKey: OPENAI_API_KEY, baseURL: OPENAI_BASE_URL }));
    case "openai-compatible":
      return openAiChatProvider(new OpenAI({ apiKey: OPENAI_API_KEY ?? "unused", baseURL: OPENAI_BASE_URL }));
    case "demo":
      return openAiResponsesProvider(new OpenAI({ apiKey: "demo", baseURL: options.demoUrl(), maxRetries: 5 }));
  }
}
