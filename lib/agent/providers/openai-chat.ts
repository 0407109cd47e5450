// OpenAI-compatible servers (Ollama, vLLM, llama.cpp) through Chat Completions, the endpoint
// they all speak. They have no background mode, so the call completes inside one step.
import type OpenAI from "openai";
import { guard, idempotencyHeaders } from "./openai-responses";
import { ModelError, type ModelProvider } from "./types";

export function openAiChatProvider(client: OpenAI): ModelProvider {
  return {
    async start(request, { idempotencyKey }) {
      const completion = await guard(() =>
        client.chat.completions.create(
          {
            model: request.model,
            messages: [
              { role: "system", content: request.instructions },
              { role: "user", content: request.input },
            ],
          },
          idempotencyHeaders(idempotencyKey),
        ),
      );
      const text = completion.choices[0]?.message.content;
      if (text == null) throw new ModelError("The model returned no text.");
      return {
        kind: "done",
        result: {
          text,
          usage: { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 },
        },
      };
    },
    async poll() {
      throw new ModelError("This provider answers in the foreground; there is nothing to poll.");
    },
    async cancel() {},
  };
}
