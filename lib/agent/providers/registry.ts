// Which models this Baton can use, and the provider object for each. Models come from the
// environment and from the Models page (lib/models); the environment takes precedence: a provider
// it configures hides the page's setup of that provider, and BATON_MODEL_PROVIDER or BATON_MODEL
// pins the default. The demo model is always offered, clearly labelled, so a new install can show
// the whole flow.
//
// Environment: OPENAI_API_KEY enables OpenAI (Responses API), or, with
// BATON_MODEL_PROVIDER=openai-compatible, OPENAI_BASE_URL names a Chat Completions server instead
// (they share the OPENAI_* variables). ANTHROPIC_API_KEY enables Anthropic (Messages API).
// BATON_MODEL names the default provider's model, BATON_ANTHROPIC_MODEL Anthropic's whatever the default.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { DbTx } from "@/lib/db";
import { env } from "@/lib/env";
import { loadModelConnections, storedDefaultModel, storedRuntimeConnection, type ModelConnectionView } from "@/lib/models/model-connections";
import { anthropicMessagesProvider } from "./anthropic-messages";
import { openAiChatProvider } from "./openai-chat";
import { openAiResponsesProvider } from "./openai-responses";
import type { ModelProvider } from "./types";

export const PROVIDER_IDS = ["openai", "openai-compatible", "anthropic", "demo"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
export type RealProviderId = Exclude<ProviderId, "demo">;

export interface ModelChoice {
  provider: ProviderId;
  model: string;
  label: string;
}

export const DEMO_CHOICE: ModelChoice = { provider: "demo", model: "scripted", label: "Demo model (scripted, no AI)" };

/** What a model client needs: where to send requests and with which key. */
export interface RuntimeConnection {
  provider: ProviderId;
  apiKey?: string;
  baseUrl?: string;
}

export function modelLabel(provider: RealProviderId, model: string, baseUrl?: string): string {
  if (provider === "openai") return `OpenAI ${model}`;
  if (provider === "anthropic") return `Anthropic ${model}`;
  return baseUrl ? `${model} at ${new URL(baseUrl).host}` : model;
}

/** The models the environment configures, its default first. */
export function environmentModels(): ModelChoice[] {
  const { BATON_MODEL_PROVIDER, BATON_MODEL, OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY, BATON_ANTHROPIC_MODEL } = env();
  const choices: ModelChoice[] = [];
  const openAiModel = BATON_MODEL_PROVIDER === "anthropic" ? undefined : BATON_MODEL;
  if (BATON_MODEL_PROVIDER === "openai-compatible") {
    if (OPENAI_BASE_URL) {
      const model = openAiModel ?? "llama3.2";
      choices.push({ provider: "openai-compatible", model, label: modelLabel("openai-compatible", model, OPENAI_BASE_URL) });
    }
  } else if (OPENAI_API_KEY) {
    const model = openAiModel ?? "gpt-5-mini";
    choices.push({ provider: "openai", model, label: modelLabel("openai", model) });
  }
  if (ANTHROPIC_API_KEY) {
    const model = BATON_ANTHROPIC_MODEL ?? (BATON_MODEL_PROVIDER === "anthropic" ? BATON_MODEL : undefined) ?? "claude-sonnet-4-5";
    const anthropic: ModelChoice = { provider: "anthropic", model, label: modelLabel("anthropic", model) };
    if (BATON_MODEL_PROVIDER === "anthropic") choices.unshift(anthropic);
    else choices.push(anthropic);
  }
  return choices;
}

/** Each provider the environment sets up, with the variable that does it (for the Models page). */
export function environmentProviders(): Partial<Record<RealProviderId, string>> {
  const { BATON_MODEL_PROVIDER } = env();
  const byProvider: Partial<Record<RealProviderId, string>> = {};
  for (const choice of environmentModels()) {
    if (choice.provider === "demo") continue;
    byProvider[choice.provider] =
      choice.provider === "anthropic" ? "ANTHROPIC_API_KEY" : choice.provider === "openai" ? "OPENAI_API_KEY" : `BATON_MODEL_PROVIDER=${BATON_MODEL_PROVIDER} and OPENAI_BASE_URL`;
  }
  return byProvider;
}

/** The variable that pins the default model, if one does. */
export function environmentDefault(): string | undefined {
  const { BATON_MODEL_PROVIDER, BATON_MODEL } = env();
  if (environmentModels().length === 0) return undefined;
  if (BATON_MODEL_PROVIDER) return "BATON_MODEL_PROVIDER";
  return BATON_MODEL ? "BATON_MODEL" : undefined;
}

/** Every configured (real) model, the default first; empty when only the demo model is available. */
export async function configuredModels(db: DbTx, connections?: ModelConnectionView[]): Promise<ModelChoice[]> {
  const fromEnv = environmentModels();
  const shadowed = new Set(fromEnv.map((choice) => choice.provider));
  const fromPage = (connections ?? (await loadModelConnections(db)))
    .filter((connection) => !shadowed.has(connection.provider))
    .flatMap((connection) =>
      connection.models.map((model) => ({ provider: connection.provider, model, label: modelLabel(connection.provider, model, connection.baseUrl ?? undefined) })),
    );
  const all = [...fromEnv, ...fromPage];
  if (environmentDefault()) return all;
  const chosen = await storedDefaultModel(db);
  const index = chosen ? all.findIndex((choice) => choice.provider === chosen.provider && choice.model === chosen.model) : -1;
  return index > 0 ? [all[index]!, ...all.slice(0, index), ...all.slice(index + 1)] : all;
}

/** Every configured model (the default first), then the demo model. */
export async function modelChoices(db: DbTx): Promise<ModelChoice[]> {
  return [...(await configuredModels(db)), DEMO_CHOICE];
}

/** Where a provider's requests go and with which key, the environment first; null when it is not set up. */
export async function runtimeConnection(db: DbTx, provider: ProviderId): Promise<RuntimeConnection | null> {
  if (provider === "demo") return { provider };
  const { OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL } = env();
  if (environmentProviders()[provider]) {
    if (provider === "anthropic") return { provider, apiKey: ANTHROPIC_API_KEY, baseUrl: ANTHROPIC_BASE_URL };
    return { provider, apiKey: OPENAI_API_KEY, baseUrl: OPENAI_BASE_URL };
  }
  const stored = await storedRuntimeConnection(db, provider);
  return stored ? { provider, ...stored } : null;
}

export function createProvider(connection: RuntimeConnection, options: { demoUrl: () => string }): ModelProvider {
  const { apiKey, baseUrl } = connection;
  switch (connection.provider) {
    case "openai":
      return openAiResponsesProvider(new OpenAI({ apiKey, baseURL: baseUrl }));
    case "openai-compatible":
      return openAiChatProvider(new OpenAI({ apiKey: apiKey ?? "unused", baseURL: baseUrl }));
    case "anthropic":
      // An Anthropic base URL is the origin (the SDK adds /v1/messages).
      return anthropicMessagesProvider(new Anthropic({ apiKey, baseURL: baseUrl }));
    case "demo":
      return openAiResponsesProvider(new OpenAI({ apiKey: "demo", baseURL: options.demoUrl(), maxRetries: 5 }));
  }
}
