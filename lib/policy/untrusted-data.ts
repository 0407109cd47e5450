// Text that reaches the agent as data, not as the person's words: a webhook's body, a feed item.
// It is quoted between markers carrying a random nonce, so the quoted text cannot close the block
// early (it cannot guess the nonce), and anything that reads "the person's own words" (egress
// trust in ./egress.ts) leaves the block out: a URL inside an event is not a host the person named.
import { randomBytes } from "node:crypto";

const BLOCK = /<<<UNTRUSTED-DATA ([0-9a-f]{16})>>>[\s\S]*?<<<END-UNTRUSTED-DATA \1>>>/g;

/** `text` between markers no one can forge; `label` says where it came from. */
export function quoteUntrusted(label: string, text: string, nonce = randomBytes(8).toString("hex")): string {
  return `<<<UNTRUSTED-DATA ${nonce}>>>\n(${label})\n${text}\n<<<END-UNTRUSTED-DATA ${nonce}>>>`;
}

/** The text with every quoted block removed: what the person wrote themselves. */
export function withoutUntrusted(text: string): string {
  return text.replace(BLOCK, "[quoted data]");
}
