// The demo's code repository: the fixture Baton ships (a tiny library with one failing test) as a
// bare git repository under the data folder, made on first use. The PR handoff template starts
// with it, and the code tools may clone it by path and push to it, so a newcomer with no forge
// and no keys sees clone, failing test, fix, passing test, patch, approval and push for real.
import { cp, mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runGit } from "@/lib/code/run-git";

/** The folder the demo remote lives in; the code tools open it like a BATON_LOCAL_REPOSITORIES folder. */
export function demoRepositoriesDir(dataDir: string): string {
  return path.resolve(dataDir, "demo-repositories");
}

export function demoRepositoryPath(dataDir: string): string {
  return path.join(demoRepositoriesDir(dataDir), "widgets.git");
}

/** The fixture Baton ships for the demo (a runtime file, so it lives beside the code, not under tests/). */
export const DEMO_FIXTURE_REPOSITORY = path.resolve(process.cwd(), "lib/demo/fixtures/widgets");
const AUTHOR = ["-c", "user.name=Baton demo", "-c", "user.email=demo@baton.invalid"];

/** Makes the bare demo remote once (a crash half-way leaves no half-made one: it is renamed into place). */
export async function ensureDemoRepository(dataDir: string): Promise<string> {
  const target = demoRepositoryPath(dataDir);
  if (await stat(path.join(target, "HEAD")).then(() => true, () => false)) return target;
  await mkdir(demoRepositoriesDir(dataDir), { recursive: true });
  const work = await mkdtemp(path.join(os.tmpdir(), "baton-demo-repo-"));
  const bare = `${target}.${process.pid}.tmp`;
  try {
    const source = path.join(work, "widgets");
    await cp(DEMO_FIXTURE_REPOSITORY, source, { recursive: true });
    await runGit(["init", "--quiet", "--initial-branch=main", "--template="], { cwd: source });
    await runGit(["add", "-A"], { cwd: source });
    await runGit([...AUTHOR, "commit", "--quiet", "-m", "widgets: cart totals"], { cwd: source });
    await runGit(["clone", "--quiet", "--bare", "--template=", "--", source, bare]);
    await rename(bare, target).catch(async (error: unknown) => {
      // Another worker made it first: theirs is as good.
      if (await stat(path.join(target, "HEAD")).then(() => true, () => false)) return;
      throw error;
    });
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(bare, { recursive: true, force: true });
  }
}
