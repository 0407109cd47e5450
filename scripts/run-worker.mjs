// Runs the worker (scripts/worker.ts) as plain JavaScript; `npm run worker`, `npm start` and the
// tests all start it this way. Under tsx the worker carried tsx's module loader, a second V8 isolate
// on a thread of its own (~35-50 MiB of a ~300 MiB worker). So the worker and the lib/ modules it
// imports are bundled with esbuild at every start instead (a fraction of a second, so the bundle
// can never be older than the sources) and imported here, in this same process: killing this
// process kills the worker. Packages stay external and load from node_modules as they did under
// tsx, lazily where the code imports them lazily (playwright-core, imapflow, the MCP SDK); the
// bundle sits inside node_modules so `createRequire(import.meta.url)` still resolves them.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import esbuild from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const bundle = path.join(root, "node_modules", ".cache", "baton", "worker.mjs");

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ["scripts/worker.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  write: false,
  logLevel: "warning",
});
// The build's helper process would otherwise live as long as the worker.
await esbuild.stop();
// Workers starting together each write a whole file and rename it into place: one may import the
// other's bundle, built from the same sources, but never a half-written one.
mkdirSync(path.dirname(bundle), { recursive: true });
const partial = `${bundle}.${process.pid}`;
writeFileSync(partial, result.outputFiles[0].contents);
renameSync(partial, bundle);
await import(pathToFileURL(bundle).href);
