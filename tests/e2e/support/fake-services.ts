// The end-to-end suite's outside world, started by playwright.config.ts before Baton:
// - a scripted model server speaking the OpenAI API (the same one behind the demo model), whose
//   script answers like the demo model, except that a prompt carrying postMarker() makes it call
//   http_request with a POST (which needs the person's approval), report the result, and answer
//   any follow-up message without calling again;
// - a sink that records every request sent to /hooks/<id>, readable at GET /requests/<id>.
// Run: tsx tests/e2e/support/fake-services.ts
import { createServer, type IncomingMessage } from "node:http";
import { startScriptedModelServer, type Script } from "../../../lib/agent/scripted-model/server";
import { replyScript } from "../../../lib/agent/scripted-model/script";
import { E2E_PORTS, POST_MARKER, POST_REASON, SINK_URL, type SinkRequest } from "./fakes";

const demo = replyScript();

const script: Script = (turn) => {
  const prompt = turn.input.find((item) => item.type === "user")?.text ?? "";
  const hookId = POST_MARKER.exec(prompt)?.[1];
  if (!hookId) return demo(turn);
  // A later run of the task (a follow-up) sees its earlier answers, not its tool calls: it has
  // already reported, so it answers the message instead of asking again.
  const answered = turn.input.some((item) => item.type === "assistant" && item.toolCalls.length === 0);
  const followUp = turn.input.findLast((item) => item.type === "user")?.text ?? "";
  if (answered) return { text: `# Follow-up\n\nNoted: ${followUp}` };
  const result = turn.input.findLast((item) => item.type === "tool_result");
  if (!result) {
    return {
      text: POST_REASON,
      toolCalls: [
        {
          name: "http_request",
          arguments: { url: `${SINK_URL}/hooks/${hookId}`, method: "POST", body: { text: "Weekly status: all green." } },
        },
      ],
    };
  }
  return { text: `# Weekly status\n\nThe webhook call came back with:\n\n${result.output.slice(0, 600)}` };
};

async function main(): Promise<void> {
  const model = await startScriptedModelServer({ script, latencyMs: 1500 }, { port: E2E_PORTS.model });

  const received = new Map<string, SinkRequest[]>();
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };
  const sink = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? "/", SINK_URL).pathname;
      const hook = /^\/hooks\/([\w-]+)$/.exec(path);
      const asked = /^\/requests\/([\w-]+)$/.exec(path);
      if (hook) {
        const entry = { method: req.method ?? "", path, contentType: req.headers["content-type"] ?? null, body: await readBody(req) };
        received.set(hook[1]!, [...(received.get(hook[1]!) ?? []), entry]);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, received: received.get(hook[1]!)!.length }));
      } else if (asked && req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ requests: received.get(asked[1]!) ?? [] }));
      } else if (path === "/health") {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      } else {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => sink.listen(E2E_PORTS.sink, "127.0.0.1", resolve));
  console.log(`[fakes] model at ${model.url}, sink at ${SINK_URL}`);

  const stop = () => {
    sink.closeAllConnections();
    sink.close();
    void model.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(`[fakes] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
