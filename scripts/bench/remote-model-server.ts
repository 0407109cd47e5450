// The bench's model provider in a process of its own: the demo script behind the scripted
// OpenAI-compatible server, as a real provider would answer from its own machines. Prints its URL.
import { demoSources } from "../../lib/demo/demo-origin";
import { demoScript } from "../../lib/agent/scripted-model/demo-script";
import { startScriptedModelServer } from "../../lib/agent/scripted-model/server";

const server = await startScriptedModelServer({
  latencyMs: Number(process.env.REMOTE_MODEL_LATENCY_MS ?? 0),
  script: demoScript({ sources: demoSources(), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }),
});
console.log(`remote model ready at ${server.url}`);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
