// Secrets an instance needs that nobody should have to invent: the session signing key and the
// VAPID key pair. Configured values win; otherwise the first process to ask generates them and
// stores them in Postgres, so the web server and every worker agree without configuration.
import { randomBytes } from "node:crypto";
import webpush from "web-push";
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";

export interface InstanceSecrets {
  authSecret: string;
  vapidPublicKey: string;
  vapidPrivateKey: string;
}

let cached: Promise<InstanceSecrets> | undefined;

export function instanceSecrets(db: Db): Promise<InstanceSecrets> {
  cached ??= loadSecrets(db).catch((error) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function loadSecrets(db: Db): Promise<InstanceSecrets> {
  const config = env();
  const authSecret = config.BATON_AUTH_SECRET ?? (await storedSecret(db, "auth-secret", () => randomBytes(32).toString("base64url")));
  if (config.BATON_VAPID_PUBLIC_KEY && config.BATON_VAPID_PRIVATE_KEY) {
    return { authSecret, vapidPublicKey: config.BATON_VAPID_PUBLIC_KEY, vapidPrivateKey: config.BATON_VAPID_PRIVATE_KEY };
  }
  const pair = JSON.parse(await storedSecret(db, "vapid-keys", () => JSON.stringify(webpush.generateVAPIDKeys()))) as {
    publicKey: string;
    privateKey: string;
  };
  return { authSecret, vapidPublicKey: pair.publicKey, vapidPrivateKey: pair.privateKey };
}

/** Insert-if-absent, then read: two processes starting together end up with the same value. */
async function storedSecret(db: Db, name: string, generate: () => string): Promise<string> {
  await db.instanceSecret.createMany({ data: [{ name, value: generate() }], skipDuplicates: true });
  const row = await db.instanceSecret.findUniqueOrThrow({ where: { name } });
  return row.value;
}
