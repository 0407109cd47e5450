// The computer-use loop's checkpoint: after every confirmed step, where the call stands (the model's
// conversation, the frame the model saw, the browser's URL and storage state). The storage state
// holds the sites' cookies, so it is sealed with the secret store's key and its cookie values are
// remembered for redaction; the rest holds only masked frames and what the model said.
import type { Db, DbTx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { rememberSecret } from "@/lib/redact";
import { keyring } from "@/lib/secrets/keyring";
import { open, seal } from "@/lib/secrets/secret-store";
import type { ComputerConversation } from "./computer-model";
import type { FrameScale } from "./frame";
import type { RunBrowserSnapshot } from "./run-browsers";

/** The frame the model saw last, by its artifact (frames are the timeline's pictures too). */
export interface SeenFrameRef {
  artifactId: string;
  scale: FrameScale;
  url: string;
}

export interface ComputerUseCheckpoint {
  version: number;
  conversation: ComputerConversation;
  seenFrame: SeenFrameRef;
  snapshot: RunBrowserSnapshot;
}

const ownerKey = (runId: string) => `run:${runId}`;
const sealedName = (callKey: string) => `computer-use/${callKey}`;

function remember(snapshot: RunBrowserSnapshot): void {
  for (const cookie of snapshot.storageState.cookies) rememberSecret(cookie.value);
}

/** The step a checkpoint confirms (its work done), and what the step returned. */
export interface ConfirmedStep {
  key: string;
  /** JSON, never null (what a step with nothing to say returns is {}). */
  result: object;
}

export async function saveCheckpoint(db: DbTx, params: { runId: string; callKey: string; step: ConfirmedStep } & ComputerUseCheckpoint): Promise<void> {
  remember(params.snapshot);
  const sealed = seal(keyring(), ownerKey(params.runId), sealedName(params.callKey), JSON.stringify(params.snapshot.storageState));
  const data = {
    version: params.version,
    conversation: params.conversation as unknown as Prisma.InputJsonValue,
    seenFrame: params.seenFrame as unknown as Prisma.InputJsonValue,
    url: params.snapshot.url,
    stepKey: params.step.key,
    stepResult: params.step.result as Prisma.InputJsonValue,
    ...sealed,
  };
  await db.computerUseCheckpoint.upsert({
    where: { runId_callKey: { runId: params.runId, callKey: params.callKey } },
    create: { runId: params.runId, callKey: params.callKey, ...data },
    update: data,
  });
}

/**
 * What a step returned, when the checkpoint already confirms it: the step was cut off after its
 * work was done and saved but before the engine recorded it, so it returns that instead of acting again.
 */
export async function confirmedStep(db: Db, params: { runId: string; callKey: string; stepKey: string }): Promise<{ result: unknown } | null> {
  const row = await db.computerUseCheckpoint.findUnique({ where: { runId_callKey: { runId: params.runId, callKey: params.callKey } }, select: { stepKey: true, stepResult: true } });
  return row && row.stepKey === params.stepKey ? { result: row.stepResult } : null;
}

/** Just the version: a worker holding the call in memory checks it before every step. */
export async function checkpointVersion(db: Db, params: { runId: string; callKey: string }): Promise<number | null> {
  const row = await db.computerUseCheckpoint.findUnique({ where: { runId_callKey: params }, select: { version: true } });
  return row?.version ?? null;
}

export async function loadCheckpoint(db: Db, params: { runId: string; callKey: string }): Promise<ComputerUseCheckpoint | null> {
  const row = await db.computerUseCheckpoint.findUnique({ where: { runId_callKey: params } });
  if (!row) return null;
  const storageState = JSON.parse(open(keyring(), ownerKey(params.runId), sealedName(params.callKey), row)) as RunBrowserSnapshot["storageState"];
  const snapshot = { url: row.url, storageState };
  remember(snapshot);
  return { version: row.version, conversation: row.conversation as unknown as ComputerConversation, seenFrame: row.seenFrame as unknown as SeenFrameRef, snapshot };
}

/** A finished call keeps no cookies. */
export async function dropCheckpoint(db: Db, params: { runId: string; callKey: string }): Promise<void> {
  await db.computerUseCheckpoint.deleteMany({ where: params });
}
