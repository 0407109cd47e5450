// The PR handoff fixture (lib/demo/fixtures/widgets, the demo's repository: one failing test) as a bare git
// repository with a main branch, the way a forge would hold it.
import { execFileSync } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export const WIDGETS_FIXTURE = path.resolve(import.meta.dirname, "../../lib/demo/fixtures/widgets");

export async function createBareFixtureRepository(barePath: string): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), "baton-fixture-"));
  try {
    await cp(WIDGETS_FIXTURE, work, { recursive: true });
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=Fixture", "-c", "user.email=fixture@example.com", ...args], { cwd: work, stdio: "pipe" });
    git("init", "--quiet", "--initial-branch=main");
    git("add", "-A");
    git("commit", "--quiet", "-m", "widgets: cart totals");
    execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", barePath], { stdio: "pipe" });
    git("push", "--quiet", barePath, "main");
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
