// What the Models page and /api/models accept.
import { z } from "zod";

export const MODEL_PROVIDERS = ["openai", "anthropic", "openai-compatible"] as const;
export type ModelProviderId = (typeof MODEL_PROVIDERS)[number];

export const DEFAULT_MODELS = { openai: "gpt-5-mini", anthropic: "claude-sonnet-4-5" } as const;

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** Empty means "keep the key saved before" (the page never shows it, so it cannot send it back). */
const apiKey = z.preprocess(
  blankToUndefined,
  z.string().trim().min(8, "That is too short for an API key.").max(500, "That is too long for an API key.").regex(/^\S+$/, "An API key has no spaces.").optional(),
);

const modelName = (fallback: string) =>
  z.preprocess(blankToUndefined, z.string().trim().max(200, "Model names are shorter than 200 characters.").regex(/^\S+$/, "A model name has no spaces.").default(fallback));

export const modelConnectionInput = z.discriminatedUnion(
  "provider",
  [
    z.object({ provider: z.literal("openai"), apiKey, model: modelName(DEFAULT_MODELS.openai) }),
    z.object({ provider: z.literal("anthropic"), apiKey, model: modelName(DEFAULT_MODELS.anthropic) }),
    z.object({
      provider: z.literal("openai-compatible"),
      baseUrl: z.preprocess(
        blankToUndefined,
        z.url({ protocol: /^https?$/, message: "Enter the server's http(s) URL, e.g. http://127.0.0.1:11434/v1." }).optional(),
      ).refine((value) => value !== undefined, "Enter the server's URL, e.g. http://127.0.0.1:11434/v1."),
      apiKey,
    }),
  ],
  { error: "Choose OpenAI, Anthropic or an OpenAI-compatible server." },
);
export type ModelConnectionInput = z.infer<typeof modelConnectionInput>;

export const modelProviderInput = z.object({ provider: z.enum(MODEL_PROVIDERS, { error: "Choose OpenAI, Anthropic or an OpenAI-compatible server." }) });

export const defaultModelInput = z.object({
  provider: z.string().min(1, "Choose a model."),
  model: z.string().min(1, "Choose a model."),
});
