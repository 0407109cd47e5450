// Where a worker's CPU went, from a V8 CPU profile (BENCH_CPU_PROF): self time by package (the
// folder under node_modules, or "baton" for the repo's own code, "node" for Node's internals and
// "(gc)", "(idle)"...), and the functions with the most self time.
//   tsx scripts/bench/profile-summary.ts FILE.cpuprofile [TOP=25]
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topText = "25"] = process.argv.slice(2);
if (!file) throw new Error("usage: profile-summary.ts FILE.cpuprofile [TOP]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMs = new Map<number, number>();
profile.samples.forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));

function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "node";
  const at = url.lastIndexOf("/node_modules/");
  if (at >= 0) {
    const rest = url.slice(at + "/node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return url.startsWith("node:") ? "node" : "baton";
}

const packages = new Map<string, number>();
const functions = new Map<string, number>();
let total = 0;
for (const [id, ms] of selfMs) {
  const { callFrame } = byId.get(id)!;
  total += ms;
  const pkg = packageOf(callFrame.url, callFrame.functionName);
  packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
  const name = `${callFrame.functionName || "(anonymous)"} ${callFrame.url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/.*?\/(lib|scripts)\//, "$1/")}:${callFrame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + ms);
}
const busy = total - (packages.get("(idle)") ?? 0);
const print = (rows: Map<string, number>, limit: number) => {
  for (const [name, ms] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(`  ${ms.toFixed(0).padStart(8)} ms ${((ms / busy) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
};
console.log(`${(total / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(1)} s busy (percentages of busy)`);
console.log("self time by package:");
print(packages, 20);
console.log("functions with the most self time:");
print(functions, Number(topText));
