// Secrets never reach timeline events, artifacts, logs or responses. Anything built from an
// error or a provider's reply passes through here before it is stored or shown. Besides the
// patterns of common key formats, every secret this process has read or stored (the secret store
// remembers them) and every secret in the environment is replaced by value.
import { env, SECRET_ENV_NAMES } from "./env";

const secretPatterns = [/\bsk-[A-Za-z0-9_-]{16,}/g, /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/gi, /(postgres(?:ql)?:\/\/[^:\s/]+:)[^@\s]+@/gi];

// Shorter values would redact ordinary words.
const MIN_SECRET_LENGTH = 8;
const remembered = new Set<string>();

/** A secret this process holds: redacted by value from then on. */
export function rememberSecret(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) remembered.add(value);
}

function environmentSecrets(): string[] {
  const config = env();
  return SECRET_ENV_NAMES.flatMap((name) => {
    const value: unknown = config[name];
    return Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  }).filter((value): value is string => typeof value === "string" && value.length >= MIN_SECRET_LENGTH);
}

export function redactSecrets(text: string): string {
  let result = text;
  // Longest first, so a secret containing another is replaced whole.
  const values = [...environmentSecrets(), ...remembered].sort((a, b) => b.length - a.length);
  for (const value of values) result = result.split(value).join("[redacted]");
  for (const pattern of secretPatterns) {
    result = result.replace(pattern, (match, prefix?: string) => (typeof prefix === "string" && match.includes("@") ? `${prefix}[redacted]@` : "[redacted]"));
  }
  return result;
}
