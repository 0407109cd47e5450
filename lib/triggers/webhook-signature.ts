// Webhook signatures, Stripe-style: the sender computes HMAC-SHA256 with the trigger's secret over
// "<timestamp>.<raw body>" and sends `X-Baton-Signature: t=<unix seconds>,v1=<hex digest>`. The
// timestamp is signed too, so a captured delivery cannot be sent again with a fresh one; a
// delivery older (or newer) than the replay window is refused, and one seen before is a replay.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-baton-signature";
export const REPLAY_WINDOW_MS = 5 * 60_000;

export function signWebhook(secret: string, timestampSeconds: number, rawBody: string | Buffer): string {
  const digest = createHmac("sha256", secret).update(`${timestampSeconds}.`).update(rawBody).digest("hex");
  return `t=${timestampSeconds},v1=${digest}`;
}

export type SignatureVerdict =
  | { ok: true; signature: string }
  | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch"; message: string };

const HOW = `Send ${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the trigger's secret>.`;

/** Checks the header against the body; says which rule failed only where that leaks nothing about the secret. */
export function verifyWebhookSignature(params: { header: string | null; secret: string; rawBody: Buffer; now?: number }): SignatureVerdict {
  if (!params.header) return { ok: false, reason: "missing", message: `The delivery is not signed. ${HOW}` };
  const parts = new Map<string, string[]>();
  for (const piece of params.header.split(",")) {
    const [key, ...rest] = piece.trim().split("=");
    if (key && rest.length > 0) parts.set(key, [...(parts.get(key) ?? []), rest.join("=")]);
  }
  const timestamp = parts.get("t")?.[0];
  const candidates = (parts.get("v1") ?? []).filter((value) => /^[0-9a-f]{64}$/i.test(value));
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || candidates.length === 0) {
    return { ok: false, reason: "malformed", message: `The signature header is malformed. ${HOW}` };
  }
  const skew = Math.abs((params.now ?? Date.now()) - Number(timestamp) * 1000);
  if (skew > REPLAY_WINDOW_MS) {
    return { ok: false, reason: "stale", message: `The signature's timestamp is more than ${REPLAY_WINDOW_MS / 60_000} minutes away from Baton's clock: sign each delivery when you send it.` };
  }
  const expected = createHmac("sha256", params.secret).update(`${timestamp}.`).update(params.rawBody).digest();
  // Several v1 values are allowed (a sender rotating secrets signs with both).
  const match = candidates.find((value) => timingSafeEqual(Buffer.from(value, "hex"), expected));
  if (!match) return { ok: false, reason: "mismatch", message: "The signature does not match the body and the trigger's secret." };
  return { ok: true, signature: `${timestamp}:${match.toLowerCase()}` };
}
