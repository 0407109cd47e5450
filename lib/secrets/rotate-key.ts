// Key rotation: every stored secret re-sealed under a new key. Run it with Baton stopped (a
// running process keeps sealing with the key it loaded at start).
// - BATON_SECRET_KEY set: the new key is BATON_SECRET_KEY, the old one BATON_SECRET_KEY_PREVIOUS
//   (or the key file, when moving off it); afterwards the old key can go.
// - Otherwise: a new key goes at the top of the key file, every secret is re-sealed, then the old
//   key is dropped from the file. A crash in between leaves both keys in the file, so nothing is lost.
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";
import { generateKey, keyFilePath, readKeyFile, reloadKeyring, writeKeyFile } from "./keyring";
import { reencryptSecrets } from "./secret-store";

export interface RotationReport {
  keyId: string;
  rewritten: number;
  total: number;
  /** What the operator does next, if anything. */
  next: string;
}

export async function rotateSecretKey(db: Db): Promise<RotationReport> {
  if (env().BATON_SECRET_KEY) {
    const ring = reloadKeyring();
    const { rewritten, total } = await db.$transaction((tx) => reencryptSecrets(tx, ring));
    return { keyId: ring.current.id, rewritten, total, next: "Every secret is under BATON_SECRET_KEY now: remove BATON_SECRET_KEY_PREVIOUS (and any old key file)." };
  }
  const old = readKeyFile() ?? [];
  const fresh = generateKey();
  writeKeyFile([fresh, ...old]);
  const ring = reloadKeyring();
  const { rewritten, total } = await db.$transaction((tx) => reencryptSecrets(tx, ring));
  writeKeyFile([fresh]);
  reloadKeyring();
  return { keyId: fresh.id, rewritten, total, next: `The new key is in ${keyFilePath()}; back it up. Start Baton again.` };
}
