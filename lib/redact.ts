// Secrets never reach timeline events, artifacts, logs or responses. Anything built from an
// error or a provider's reply passes through here before it is stored or shown.
import { env } from "./env";

const secretPatterns = [/\bsk-[A-Za-z0-9_-]{16,}/g, /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/gi, /(postgres(?:ql)?:\/\/[^:\s/]+:)[^@\s]+@/gi];

export function redactSecrets(text: string): string {
  let result = text;
  const { OPENAI_API_KEY } = env();
  if (OPENAI_API_KEY && OPENAI_API_KEY.length >= 8) result = result.split(OPENAI_API_KEY).join("[redacted]");
  for (const pattern of secretPatterns) {
    result = result.replace(pattern, (match, prefix?: string) => (typeof prefix === "string" && match.includes("@") ? `${prefix}[redacted]@` : "[redacted]"));
  }
  return result;
}
