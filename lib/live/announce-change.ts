// Announces a change the change feed does not poll for (tasks and timeline events are read by
// position, without a NOTIFY, since a NOTIFY serializes commits: keep this to rare writes). Inside a
// transaction, Postgres delivers the notification only if it commits.
import type { DbTx } from "@/lib/db";
import { CHANGES_CHANNEL, type OwnedChange } from "./changes";

export async function announceChange(tx: DbTx, change: OwnedChange): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${CHANGES_CHANNEL}, ${JSON.stringify(change)})`;
}
