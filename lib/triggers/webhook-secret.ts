// A webhook trigger's signing secret, in the one secret store (sealed, owner "user:<id>"). The
// person sees it once, when it is made or rotated; afterwards only its hint.
import { randomBytes } from "node:crypto";
import type { DbTx } from "@/lib/db";
import { deleteSecret, revealSecret, setSecret, type SecretRef } from "@/lib/secrets/secret-store";

const secretRef = (userId: string, triggerId: string): SecretRef => ({ owner: { scope: "user", userId }, name: `trigger-webhook:${triggerId}` });

/** A new secret, replacing any earlier one at once (deliveries signed with the old one are refused). */
export async function issueWebhookSecret(db: DbTx, params: { userId: string; triggerId: string }): Promise<string> {
  const value = `whsec_${randomBytes(32).toString("base64url")}`;
  await setSecret(db, { ...secretRef(params.userId, params.triggerId), kind: "trigger-webhook", value, hint: `whsec_…${value.slice(-4)}` });
  return value;
}

export function readWebhookSecret(db: DbTx, params: { userId: string; triggerId: string }): Promise<string | null> {
  return revealSecret(db, secretRef(params.userId, params.triggerId));
}

export function deleteWebhookSecret(db: DbTx, params: { userId: string; triggerId: string }): Promise<void> {
  return deleteSecret(db, secretRef(params.userId, params.triggerId));
}
