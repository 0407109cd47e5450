// The web side of the live view: the phone talks to the web process, which forwards to the relay
// of the worker holding the page (its address is on the takeover row), showing the relay key.
// Only the owner of an active takeover gets through; anyone else reads as "no such takeover".
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { instanceSecrets } from "@/lib/secrets/instance-secrets";
import { relayKey } from "./relay-key";
import { activeTakeoverOrThrow } from "./takeovers";

export async function forwardToRelay(db: Db, params: { userId: string; takeoverId: string; path: "frames" | "input"; init?: RequestInit }): Promise<Response> {
  const takeover = await activeTakeoverOrThrow(db, params);
  if (!takeover.relayUrl) throw new AppError("CONFLICT", { message: "The agent's browser is not ready yet. Try again in a moment." });
  const { authSecret } = await instanceSecrets(db);
  const upstream = await fetch(`${takeover.relayUrl}/takeovers/${takeover.id}/${params.path}`, {
    ...params.init,
    headers: { ...(params.init?.headers as Record<string, string> | undefined), "x-takeover-key": relayKey(authSecret, takeover.id) },
  }).catch(() => null);
  // A worker that restarted has a new relay; the resumed wait writes its address shortly.
  if (!upstream) throw new AppError("CONFLICT", { message: "The agent's browser is moving to another worker. Try again in a moment." });
  return new Response(upstream.body, { status: upstream.status, headers: { "content-type": upstream.headers.get("content-type") ?? "text/plain", "cache-control": "no-store" } });
}
