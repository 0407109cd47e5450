// Starts remote-model-server.ts as a child of the bench: what the model provider does for a task
// (reading the request, scripting the turn, answering) is then on no Baton process's CPU, as it
// is with a real provider. Only the model's client side (the SDK, HTTP) is Baton's.
import { spawn } from "node:child_process";
import path from "node:path";

export interface RemoteModel {
  url: string;
  pid: number;
  close(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, "../..");

export async function startRemoteModel(settings: { latencyMs: number }): Promise<RemoteModel> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/bench/remote-model-server.ts"], {
    cwd: root,
    env: { NODE_ENV: "production", PATH: process.env.PATH, HOME: process.env.HOME, REMOTE_MODEL_LATENCY_MS: String(settings.latencyMs) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bench's model server did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /remote model ready at (\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => reject(new Error(`the bench's model server exited (${code}):\n${output}`)));
  });
  return {
    url,
    pid: child.pid!,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
