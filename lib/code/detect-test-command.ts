// Which command runs a repository's tests when the person left the field empty: the one the
// repository documents, looked for in this order: AGENTS.md (a `…test…` command in a code span),
// package.json's "test" script, a Makefile's `test` target. The answer names its source, so the
// timeline says which file it came from and the person can tell a guess from a rule.
import { readFile } from "node:fs/promises";
import path from "node:path";

export interface DetectedTestCommand {
  command: string;
  /** The file it came from: "AGENTS.md", "package.json" or "Makefile". */
  source: string;
}

const MAX_READ = 64 * 1024;

async function readSmall(file: string): Promise<string | null> {
  try {
    return (await readFile(file, "utf8")).slice(0, MAX_READ);
  } catch {
    return null;
  }
}

/** A code span in AGENTS.md that runs the tests: `npm test`, `pytest -q`, `make test`, `go test ./...`. */
function fromAgentsFile(text: string): string | null {
  for (const [, span] of text.matchAll(/`([^`\n]{1,200})`/g)) {
    const command = span!.trim();
    if (/^(?:npm|pnpm|yarn|bun|npx|node|make|pytest|python3?|go|cargo|mvn|gradle|\.\/gradlew|bundle|rake|dotnet|mix|deno)\b/.test(command) && /test/i.test(command)) return command;
  }
  return null;
}

function fromPackageJson(text: string): string | null {
  try {
    const parsed = JSON.parse(text) as { scripts?: Record<string, unknown> };
    const test = parsed.scripts?.test;
    // npm's placeholder script fails on purpose; it documents no tests.
    return typeof test === "string" && test.trim() && !test.includes("no test specified") ? "npm test" : null;
  } catch {
    return null;
  }
}

function fromMakefile(text: string): string | null {
  return /^test\s*:/m.test(text) ? "make test" : null;
}

export async function detectTestCommand(cloneDir: string): Promise<DetectedTestCommand | null> {
  const sources: [string, (text: string) => string | null][] = [
    ["AGENTS.md", fromAgentsFile],
    ["package.json", fromPackageJson],
    ["Makefile", fromMakefile],
  ];
  for (const [file, read] of sources) {
    const text = await readSmall(path.join(cloneDir, file));
    const command = text === null ? null : read(text);
    if (command) return { command, source: file };
  }
  return null;
}
