// Runs the worker (scripts/worker.ts) as plain JavaScript; `npm run worker`, `npm start` and the
// tests all start it this way. Under tsx the worker carried tsx's module loader, a second V8 isolate
// on a thread of its own (~35-50 MiB of a ~300 MiB worker). So the worker and the lib/ modules it
// imports are bundled with esbuild at every start instead (a fraction of a second, so the bundle
// can never be older than the sources) and imported here, in this same process: killing this
// process kills the worker. Packages stay external and load from node_modules as they did under
// tsx; the bundle sits inside node_modules so `createRequire(import.meta.url)` still resolves them.
// A module the code imports lazily becomes a chunk of its own, so the packages only it needs (the
// MCP SDK) still load only when it does.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import esbuild from "esbuild";

// V8's default lets a worker draining a backlog at concurrency 50 grow its old generation to about
// twice its live ~60 MiB before collecting; a growing factor of 1.4 collects sooner. The flag is
// read at each collection, so setting it here holds for every way the worker starts; given to Node
// on the command line (the bench's BENCH_WORKER_NODE_ARGS) it is left as given. With 10K queued:
// peak RSS 399 (V8's default) -> 234 MiB at 1.4 (243 at 1.1); worker CPU per task in 1,000-task
// bursts, pairs back to back: 1.4 costs 0.1-0.5 ms, 1.1 about 1 ms (README, Performance).
// Capping the young generation as well (--max-semi-space-size=2) took the peak to ~220 MiB but
// cost 30-40% of the worker's CPU and throughput, so that stays at V8's default.
const HEAP_GROWING = "--heap-growing-percent";
if (!process.execArgv.some((arg) => arg.startsWith(HEAP_GROWING))) v8.setFlagsFromString(`${HEAP_GROWING}=40`);

const root = path.resolve(import.meta.dirname, "..");
const outdir = path.join(root, "node_modules", ".cache", "baton", "worker");

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ["scripts/worker.ts"],
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: "chunk-[hash]",
  outExtension: { ".js": ".mjs" },
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  write: false,
  logLevel: "warning",
});
// The build's helper process would otherwise live as long as the worker.
await esbuild.stop();
// Workers starting together each write whole files and rename them into place, the chunks (named
// by their content) before the entry that imports them: a worker may start from another's entry,
// built from the same sources, but never from a half-written file. Chunks are never deleted: a
// worker started from older sources may still import its lazy ones hours later.
mkdirSync(outdir, { recursive: true });
const entry = path.join(outdir, "worker.mjs");
const files = result.outputFiles.sort((a, b) => Number(a.path === entry) - Number(b.path === entry));
for (const file of files) {
  const partial = `${file.path}.${process.pid}`;
  writeFileSync(partial, file.contents);
  renameSync(partial, file.path);
}
await import(pathToFileURL(entry).href);
