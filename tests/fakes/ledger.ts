// A far side that keeps books: every POST /entries/<name> is recorded with its Idempotency-Key and
// the times it arrived and was answered. Like a payments API it honours the key: a repeat of a key
// already applied is answered with the first result and applies nothing. Listeners hear each
// answer as it goes out, so a test can kill a worker at the worst moment (answered, not yet recorded).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Script } from "@/lib/agent/scripted-model/server";

export interface LedgerRequest {
  entry: string;
  idempotencyKey: string | undefined;
  receivedAt: number;
  answeredAt?: number;
}

export interface Ledger {
  origin: string;
  requests: LedgerRequest[];
  /** Entries applied, by idempotency key (or by entry when a request has none). */
  applied: Map<string, string>;
  onAnswered(listener: (request: LedgerRequest) => void): () => void;
  /** Answers what is held and stops holding (see `hold`). */
  release(): void;
  close(): Promise<void>;
}

/** `hold`: record requests but answer none until release(), so a test can kill a worker mid-call. */
export async function startLedger(options: { answerDelayMs?: () => number; hold?: boolean } = {}): Promise<Ledger> {
  let held: (() => void)[] | undefined = options.hold ? [] : undefined;
  const requests: LedgerRequest[] = [];
  const applied = new Map<string, string>();
  const listeners = new Set<(request: LedgerRequest) => void>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on("end", () => {
      const match = /^\/entries\/([\w-]+)$/.exec(req.url ?? "");
      if (req.method !== "POST" || !match) {
        res.writeHead(404).end();
        return;
      }
      const header = req.headers["idempotency-key"];
      const request: LedgerRequest = { entry: match[1]!, idempotencyKey: Array.isArray(header) ? header[0] : header, receivedAt: Date.now() };
      requests.push(request);
      const key = request.idempotencyKey ?? request.entry;
      const repeat = applied.has(key);
      if (!repeat) applied.set(key, request.entry);
      const answer = () =>
        setTimeout(() => {
          res.writeHead(repeat ? 200 : 201, { "content-type": "application/json" });
          res.end(JSON.stringify({ entry: request.entry, repeat }), () => {
            request.answeredAt = Date.now();
            for (const listener of listeners) listener(request);
          });
        }, options.answerDelayMs?.() ?? 0);
      if (held) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    applied,
    onAnswered(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    release() {
      const waiting = held ?? [];
      held = undefined;
      for (const answer of waiting) answer();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A scripted model that books `posts` entries for a task, one POST per turn (so each call is a
 * step of its own), then answers. The prompt names the task with "ledger-task <tag>".
 */
export function ledgerBookingScript(ledger: Ledger, posts: number): Script {
  return ({ input }) => {
    const first = input.find((item) => item.type === "user");
    const tag = /ledger-task (\S+)/.exec(first?.type === "user" ? first.text : "")?.[1] ?? "untagged";
    const done = input.filter((item) => item.type === "tool_result").length;
    if (done >= posts) return { text: `# Booked\n\n${done} entries for ${tag}.` };
    return { text: "", toolCalls: [{ name: "http_request", arguments: { method: "POST", url: `${ledger.origin}/entries/${tag}-${done + 1}`, body: { n: done + 1 } } }] };
  };
}
