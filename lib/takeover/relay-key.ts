// The secret the web process shows the worker's live relay for one takeover: derived from the
// instance's auth secret, which both processes read, so nothing more is stored or sent around.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

function relayKeyFor(authSecret: string, takeoverId: string): Buffer {
  const key = Buffer.from(hkdfSync("sha256", authSecret, "baton", "takeover-relay v1", 32));
  return createHmac("sha256", key).update(takeoverId).digest();
}

export const relayKey = (authSecret: string, takeoverId: string) => relayKeyFor(authSecret, takeoverId).toString("base64url");

export function relayKeyMatches(authSecret: string, takeoverId: string, given: string): boolean {
  const expected = relayKeyFor(authSecret, takeoverId);
  const actual = Buffer.from(given, "base64url");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
