// A test run's results read from its output, for the test-results artifact: passed and failed
// counts as the common runners print them (node --test / TAP, Jest, Vitest, pytest, go test -v),
// the failing tests' names, and the end of the output where runners print the failures. A runner
// this does not know still gets its exit code and output: the counts are then "not reported".
export interface TestResults {
  passed: number | null;
  failed: number | null;
  failing: string[];
  exitCode: number | null;
}

const MAX_FAILING = 50;

function lastNumber(text: string, pattern: RegExp): number | null {
  const matches = [...text.matchAll(pattern)];
  const last = matches.at(-1);
  return last ? Number(last[1]) : null;
}

export function readTestResults(output: string, exitCode: number | null): TestResults {
  // TAP and node --test: "# pass 3" / "ℹ pass 3".
  let passed = lastNumber(output, /^(?:#|ℹ) pass (\d+)$/gm);
  let failed = lastNumber(output, /^(?:#|ℹ) fail (\d+)$/gm);
  if (passed === null && failed === null) {
    // Jest "Tests: 1 failed, 3 passed, 4 total", Vitest "Tests  1 failed | 3 passed (4)", pytest "== 1 failed, 3 passed in 0.1s ==".
    const summary = [...output.matchAll(/^.*(?:\bTests:?\s|=+ ).*\b(?:passed|failed)\b.*$/gm)].at(-1)?.[0];
    if (summary) {
      passed = lastNumber(summary, /(\d+) passed/g) ?? 0;
      failed = lastNumber(summary, /(\d+) failed/g) ?? 0;
    }
  }
  if (passed === null && failed === null && /^--- (?:PASS|FAIL):/m.test(output)) {
    passed = [...output.matchAll(/^\s*--- PASS:/gm)].length;
    failed = [...output.matchAll(/^\s*--- FAIL:/gm)].length;
  }
  const failing = new Set<string>();
  for (const pattern of [/^not ok \d+ - (.+)$/gm, /^✖ (.+?)(?: \([\d.]+m?s\))?$/gm, /^FAILED (\S+)/gm, /^\s*● (.+)$/gm, /^\s*--- FAIL: (\S+)/gm, /^\s*(?:×|FAIL) (.+)$/gm]) {
    for (const match of output.matchAll(pattern)) if (failing.size < MAX_FAILING) failing.add(match[1]!.trim());
  }
  return { passed, failed, failing: [...failing], exitCode };
}

/** The artifact: counts first (what a phone shows), then the failing tests, then the output's end. */
export function testResultsMarkdown(params: { command: string; label: string; results: TestResults; output: string }): string {
  const { results } = params;
  const counts =
    results.passed === null && results.failed === null
      ? "Counts not reported by this test runner."
      : `**${results.passed ?? 0} passed, ${results.failed ?? 0} failed**`;
  const verdict = results.exitCode === 0 ? "The tests pass" : `The tests fail (exit code ${results.exitCode ?? "none: killed"})`;
  const fence = "`".repeat(Math.max(3, ...[...params.output.matchAll(/`+/g)].map((match) => match[0].length + 1)));
  return [
    `# Test results (${params.label})`,
    "",
    `${verdict}: ${counts}`,
    "",
    `Command: \`${params.command.replaceAll("`", "'")}\``,
    ...(results.failing.length ? ["", "## Failing tests", "", ...results.failing.map((name) => `- ${name}`)] : []),
    "",
    "## Output",
    "",
    fence,
    params.output.trimEnd(),
    fence,
    "",
  ].join("\n");
}
