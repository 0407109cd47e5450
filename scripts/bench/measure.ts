// Measuring helpers the benches share: CPU seconds by process from /proc, and percentiles.
import { readdirSync, readFileSync } from "node:fs";

// CPU time by process, from /proc (Linux; skipped elsewhere): says what each task costs whatever
// else the machine is doing, which the wall-clock figures above cannot.
export interface CpuSeconds {
  creators: number;
  worker: number;
  postgres: number;
}

export function cpuSnapshot(workerPid: number | undefined, postgresPort: number): CpuSeconds | undefined {
  try {
    const procs = readdirSync("/proc").flatMap((entry) => (/^\d+$/.test(entry) ? [readProc(Number(entry))] : [])).filter((p) => p !== undefined);
    const postmaster = procs.find((p) => p.cmdline.includes("postgres") && p.cmdline.includes(` -p ${postgresPort} `));
    const usage = process.cpuUsage();
    return {
      creators: (usage.user + usage.system) / 1e6,
      worker: workerPid ? treeSeconds(procs, workerPid) : 0,
      postgres: postmaster ? treeSeconds(procs, postmaster.pid) : 0,
    };
  } catch {
    return undefined;
  }
}

export function cpuDelta(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  return { creators: after.creators - before.creators, worker: after.worker - before.worker, postgres: after.postgres - before.postgres };
}

interface ProcStat {
  pid: number;
  ppid: number;
  cmdline: string;
  /** Own CPU seconds, plus those of children it has already reaped. */
  seconds: number;
}

function readProc(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state ppid ... utime(12) stime(13) cutime(14) cstime(15), in clock ticks.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    const ticks = fields[11]! + fields[12]! + fields[13]! + fields[14]!;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    return { pid, ppid: fields[1]!, cmdline, seconds: ticks / 100 };
  } catch {
    return undefined; // exited meanwhile
  }
}

function treeSeconds(procs: ProcStat[], root: number): number {
  const children = (pid: number): ProcStat[] => procs.filter((p) => p.ppid === pid);
  let total = 0;
  const stack = procs.filter((p) => p.pid === root);
  while (stack.length) {
    const proc = stack.pop()!;
    total += proc.seconds;
    stack.push(...children(proc.pid));
  }
  return total;
}

export function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Resident memory of a process in MiB, from /proc (undefined elsewhere or once it exited). */
export function rssMiB(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds of one process and its children (0 once it exited or off Linux). */
export function cpuSeconds(pid: number): number {
  try {
    const procs = readdirSync("/proc").flatMap((entry) => (/^\d+$/.test(entry) ? [readProc(Number(entry))] : [])).filter((p) => p !== undefined);
    return treeSeconds(procs, pid);
  } catch {
    return 0;
  }
}
