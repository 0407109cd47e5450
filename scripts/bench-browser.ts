// npm run bench:browser: what a playbook run costs. Runs the shipped export-invoices playbook (sign
// in, TOTP, filter, CSV download: 13 steps, each with its screenshot) against the fixture portal,
// through the same runtime and executor run_playbook uses, and prints:
// - Chromium's start, a new context on a running browser, per-step time and a whole run;
// - the memory of the Chromium processes (PSS, so pages shared between them count once);
// - N runs at once as a worker does them (contexts in one shared Chromium, lib/browser/browser-pool)
//   beside N runs that each launch their own Chromium, in the same run: wall time, runs per minute
//   and memory at each N (the figures behind BATON_BROWSER_CONCURRENCY's default of 4).
//
//   BENCH_BROWSER_RUNS=5 (sequential runs)  BENCH_BROWSER_LEVELS=1,2,4,8,16 (runs at once)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { launchBrowser, openBrowserSession } from "../lib/browser";
import { totp } from "../lib/credentials/totp";
import { bindPlaybook, type BoundPlaybook } from "../lib/playbooks/bind-playbook";
import { runPlaybook, type PlaybookRunHooks, type StepRecord } from "../lib/playbooks/run-playbook";
import { parsePlaybook } from "../lib/playbooks/validate-playbook";
import { recentMonths, startPortal, type PortalServer } from "../tests/fixtures/portal/portal-server";
import { percentile } from "./bench/measure";

const options = z
  .object({
    BENCH_BROWSER_RUNS: z.coerce.number().int().min(1).max(100).default(5),
    BENCH_BROWSER_LEVELS: z
      .string()
      .default("1,2,4,8,16")
      .transform((text) => text.split(",").map(Number))
      .pipe(z.array(z.number().int().min(1).max(64))),
  })
  .parse(Object.fromEntries(Object.entries(process.env).filter(([key, value]) => key.startsWith("BENCH_") && value !== "")));

const MONTH = recentMonths(new Date())[2]!;

function exportPlaybook(portal: PortalServer): BoundPlaybook {
  const raw = JSON.parse(readFileSync(path.resolve("playbooks/export-invoices.json"), "utf8")) as Record<string, unknown>;
  const parsed = parsePlaybook({ ...raw, origins: [portal.url] });
  if (!parsed.ok) throw new Error(`export-invoices.json: ${parsed.errors.join("; ")}`);
  const bound = bindPlaybook(parsed.playbook, { month: MONTH });
  if (!bound.ok) throw new Error(bound.errors.join("; "));
  return bound.value;
}

function hooksFor(portal: PortalServer, steps: StepRecord[]): PlaybookRunHooks {
  return {
    async secretFor(value) {
      const { field } = value.credential;
      return field === "username" ? portal.username : field === "password" ? portal.password : totp(portal.totpSecret);
    },
    beginHighImpact: async () => ({ run: true, finish: async () => undefined }),
    recorded: async (record) => void steps.push(record),
    produced: async (product) => product.saveAs,
  };
}

/** Chromium processes below this one, and their proportional memory (MB). */
function chromiumPssMb(): number {
  const parentOf = new Map<number, number>();
  const nameOf = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      nameOf.set(Number(entry), stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")));
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const below = (pid: number): boolean => {
    for (let parent = parentOf.get(pid); parent; parent = parentOf.get(parent)) if (parent === process.pid) return true;
    return false;
  };
  let kb = 0;
  for (const [pid, name] of nameOf) {
    if (!/chrom/i.test(name) || !below(pid)) continue;
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

/** The highest chromiumPssMb() while `work` runs, sampled every 100 ms. */
async function peakMemory<T>(work: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peakMb = 0;
  const timer = setInterval(() => (peakMb = Math.max(peakMb, chromiumPssMb())), 100);
  try {
    const value = await work();
    return { value, peakMb: Math.max(peakMb, chromiumPssMb()) };
  } finally {
    clearInterval(timer);
  }
}

const ms = (value: number) => `${Math.round(value)} ms`;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const portal = await startPortal({ months: recentMonths(new Date()) });
  const workspace = mkdtempSync(path.join(tmpdir(), "baton-bench-browser-"));
  const playbook = exportPlaybook(portal);
  const rules = { allowlist: [new URL(portal.url).host], adminAllowlist: ["127.0.0.1/32:*"] };

  /** One export in its own session; `browser` shares a running Chromium instead of launching one. */
  const runOnce = async (browser?: Awaited<ReturnType<typeof launchBrowser>>) => {
    const steps: StepRecord[] = [];
    const opened = await timed(() => openBrowserSession({ ...rules, workspaceDir: mkdtempSync(path.join(workspace, "run-")), ...(browser ? { browser } : {}) }));
    try {
      const ran = await timed(() => runPlaybook(opened.value, playbook, hooksFor(portal, steps)));
      if (ran.value.artifacts.length !== 1) throw new Error(`the export saved ${ran.value.artifacts.length} files`);
      return { openMs: opened.ms, runMs: ran.ms, steps };
    } finally {
      await opened.value.close();
    }
  };

  try {
    console.log(`[bench:browser] export-invoices (${playbook.steps.length} steps) against the fixture portal, ${options.BENCH_BROWSER_RUNS} runs one after another`);
    await runOnce(); // warm-up: the first launch reads Chromium from disk
    const sequential = [];
    for (let index = 0; index < options.BENCH_BROWSER_RUNS; index++) sequential.push(await peakMemory(() => runOnce()));
    const stepTimes = sequential.flatMap((entry) => entry.value.steps.map((step) => step.durationMs));
    const shared = await launchBrowser();
    const contexts = [];
    for (let index = 0; index < options.BENCH_BROWSER_RUNS; index++) contexts.push(await runOnce(shared));
    await shared.close();
    console.log(`  browser start + context + egress proxy: p50 ${ms(percentile(sequential.map((e) => e.value.openMs), 0.5))}, max ${ms(Math.max(...sequential.map((e) => e.value.openMs)))}`);
    console.log(`  context + egress proxy on a running browser: p50 ${ms(percentile(contexts.map((e) => e.openMs), 0.5))}`);
    console.log(`  per step (screenshot included): p50 ${ms(percentile(stepTimes, 0.5))}, p90 ${ms(percentile(stepTimes, 0.9))}, max ${ms(Math.max(...stepTimes))}`);
    console.log(`  whole run: p50 ${ms(percentile(sequential.map((e) => e.value.runMs), 0.5))} (own browser), ${ms(percentile(contexts.map((e) => e.runMs), 0.5))} (shared browser)`);
    console.log(`  Chromium memory during a run: peak ${Math.round(Math.max(...sequential.map((e) => e.peakMb)))} MB PSS`);

    console.log("\n  runs at once | shared Chromium (the worker's): wall, runs/min, peak MB | own Chromium each: wall, runs/min, peak MB");
    for (const level of options.BENCH_BROWSER_LEVELS) {
      // A run that times out under load counts as failed, not as a crash of the bench.
      const own = await peakMemory(() => timed(() => Promise.allSettled(Array.from({ length: level }, () => runOnce()))));
      const browser = await launchBrowser();
      const one = await peakMemory(() => timed(() => Promise.allSettled(Array.from({ length: level }, () => runOnce(browser)))));
      await browser.close();
      const failed = (results: PromiseSettledResult<unknown>[]) => results.filter((result) => result.status === "rejected").length;
      const perMinute = (entry: { value: PromiseSettledResult<unknown>[]; ms: number }) =>
        `${(((level - failed(entry.value)) / entry.ms) * 60_000).toFixed(0)}${failed(entry.value) > 0 ? ` (${failed(entry.value)} failed)` : ""}`;
      console.log(
        `  ${String(level).padStart(12)} | ${ms(one.value.ms).padStart(8)}, ${perMinute(one.value).padStart(4)}, ${String(Math.round(one.peakMb)).padStart(5)}` +
          ` | ${ms(own.value.ms).padStart(8)}, ${perMinute(own.value).padStart(4)}, ${String(Math.round(own.peakMb)).padStart(5)}`,
      );
    }
  } finally {
    await portal.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`[bench:browser] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
