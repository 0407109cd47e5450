// Which models this Baton can use, from configuration, and the provider object for each. The demo
// model is always offered, clearly labelled, so a new install can show the whole flow.
//
// OPENAI_API_KEY enables OpenAI (Responses API), or, with BATON_MODEL_PROVIDER=openai-compatible,
// OPENAI_BASE_URL names a Chat Completions server instead (they share the OPENAI_* variables).
// ANTHROPIC_API_KEY enables Anthropic (Messages API). BATON_MODEL_PROVIDER picks the default
// (listed first); BATON_MODEL names the default provider's model, BATON_ANTHROPIC_MODEL
// Anthropic's whatever the default.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { env } from "@/lib/env";
import { anthropicMessagesProvider } from "./anthropic-messages";
import { openAiChatProvider } from "./openai-chat";
import { openAiResponsesProvider } from "./openai-responses";
import type { ModelProvider } from "./types";

export const PROVIDER_IDS = ["openai", "openai-compatible", "anthropic", "demo"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface ModelChoice {
  provider: ProviderId;
  model: string;
  label: string;
}

export const DEMO_CHOICE: ModelChoice = { provider: "demo", model: "scripted", label: "Demo model (scripted, no AI)" };

/** Every configured (real) model, the default first; empty when only the demo model is available. */
export function configuredModels(): ModelChoice[] {
  const { BATON_MODEL_PROVIDER, BATON_MODEL, OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY, BATON_ANTHROPIC_MODEL } = env();
  const choices: ModelChoice[] = [];
  const openAiModel = BATON_MODEL_PROVIDER === "anthropic" ? undefined : BATON_MODEL;
  if (BATON_MODEL_PROVIDER === "openai-compatible") {
    if (OPENAI_BASE_URL) {
      const model = openAiModel ?? "llama3.2";
      choices.push({ provider: "openai-compatible", model, label: `${model} at ${new URL(OPENAI_BASE_URL).host}` });
    }
  } else if (OPENAI_API_KEY) {
    const model = openAiModel ?? "gpt-5-mini";
    choices.push({ provider: "openai", model, label: `OpenAI ${model}` });
  }
  if (ANTHROPIC_API_KEY) {
    const model = BATON_ANTHROPIC_MODEL ?? (BATON_MODEL_PROVIDER === "anthropic" ? BATON_MODEL : undefined) ?? "claude-sonnet-4-5";
    const anthropic: ModelChoice = { provider: "anthropic", model, label: `Anthropic ${model}` };
    if (BATON_MODEL_PROVIDER === "anthropic") choices.unshift(anthropic);
    else choices.push(anthropic);
  }
  return choices;
}

/** The default configured model, if any. */
export function configuredModel(): ModelChoice | undefined {
  return configuredModels()[0];
}

/** Every configured model (the default first), then the demo model. */
export function modelChoices(): ModelChoice[] {
  return [...configuredModels(), DEMO_CHOICE];
}

export function findModelChoice(provider: string, model: string): ModelChoice | undefined {
  return modelChoices().find((choice) => choice.provider === provider && choice.model === model);
}

export function createProvider(provider: ProviderId, options: { demoUrl: () => string }): ModelProvider {
  const { OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL } = env();
  switch (provider) {
    case "openai":
      return openAiResponsesProvider(new OpenAI({ apiKey: OPENAI_API_KEY, baseURL: OPENAI_BASE_URL }));
    case "openai-compatible":
      return openAiChatProvider(new OpenAI({ apiKey: OPENAI_API_KEY ?? "unused", baseURL: OPENAI_BASE_URL }));
    case "anthropic":
      // ANTHROPIC_BASE_URL is the origin (the SDK adds /v1/messages).
      return anthropicMessagesProvider(new Anthropic({ apiKey: ANTHROPIC_API_KEY, baseURL: ANTHROPIC_BASE_URL }));
    case "demo":
      return openAiResponsesProvider(new OpenAI({ apiKey: "demo", baseURL: options.demoUrl(), maxRetries: 5 }));
  }
}
