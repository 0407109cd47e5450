// The newcomer's Baton for tests/e2e/first-hour.spec.ts: `npm start` with no model configured, its
// data folder inside a folder closed to other users (like a clone under /root, which the embedded
// Postgres must cope with). It waits for the main e2e server first, which builds the web app, so
// the two starts never run `next build` into one .next folder at once.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const [mainHealthUrl] = process.argv.slice(2);
const privateFolder = path.join(tmpdir(), `baton-e2e-private-${process.env.PORT}`);

async function main(): Promise<void> {
  for (;;) {
    const ready = await fetch(mainHealthUrl!).then((response) => response.ok, () => false);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  rmSync(privateFolder, { recursive: true, force: true });
  mkdirSync(privateFolder, { recursive: true });
  chmodSync(privateFolder, 0o700);
  const child = spawn("npm", ["start"], { stdio: "inherit", env: { ...process.env, BATON_DATA_DIR: path.join(privateFolder, "data") } });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGTERM", forward);
  process.on("SIGINT", forward);
  child.on("exit", (code) => process.exit(code ?? 1));
}

void main();
