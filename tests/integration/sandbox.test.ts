// The command sandbox with real bubblewrap and real processes: each thing a command must not do
// is tried for real and fails, while this test process (standing in for the worker) carries on.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { detectSandbox } from "@/lib/sandbox/detect-sandbox";
import { runSandboxed, sandboxUidFor, type Sandbox } from "@/lib/sandbox/run-sandboxed";
import { waitFor } from "../support/wait-for";

const execFileAsync = promisify(execFile);

let sandbox: Sandbox;
let dataDir: string;
let workspaceDir: string;
const secret = `sk-test-${randomBytes(12).toString("hex")}`;

function sh(line: string, extra: Partial<Parameters<typeof runSandboxed>[1]> = {}) {
  return runSandboxed(sandbox, { workspaceDir, command: ["/bin/sh", "-c", line], ...extra });
}

/** The processes running as the sandbox's uid (none when Baton does not run as root). */
async function sandboxProcesses(): Promise<string[]> {
  const { stdout } = await execFileAsync("ps", ["-e", "-o", "uid=,pid=,args="]);
  const uid = String(sandboxUidFor(workspaceDir));
  return stdout.split("\n").filter((line) => line.trim().split(/\s+/)[0] === uid);
}

beforeAll(async () => {
  const status = await detectSandbox();
  if (!status.available) throw new Error(status.reason);
  sandbox = status.sandbox;
  // Laid out like Baton's own data folder: the secret key beside the workspaces.
  dataDir = await mkdtemp(path.join(os.tmpdir(), "baton-data-"));
  await writeFile(path.join(dataDir, "secret.key"), secret, { mode: 0o600 });
  workspaceDir = path.join(dataDir, "workspaces", "task-1");
  await mkdir(workspaceDir, { recursive: true });
  process.env.BATON_TEST_SANDBOX_SECRET = secret;
});

afterAll(async () => {
  delete process.env.BATON_TEST_SANDBOX_SECRET;
  await rm(dataDir, { recursive: true, force: true });
});

describe("the sandbox", () => {
  test("runs a command in the workspace, whose files Baton then sees", async () => {
    const result = await sh("echo made inside > made.txt && cat made.txt && pwd");
    expect(result.exitCode).toBe(0);
    expect(result.stdout.text).toBe("made inside\n/workspace\n");
    expect(await readFile(path.join(workspaceDir, "made.txt"), "utf8")).toBe("made inside\n");
  });

  test("cannot read Baton's data folder, its code or its secret key", async () => {
    const result = await sh(`cat ${path.join(dataDir, "secret.key")}; ls ${dataDir}; cat ${path.join(process.cwd(), "package.json")}; ls -a /workspace/..; grep -rs ${secret} /workspace /tmp /etc`);
    expect(result.stdout.text + result.stderr.text).not.toContain(secret);
    expect(result.stderr.text).toContain("No such file or directory");
    expect(result.stdout.text).not.toContain("secret.key");
    expect(result.stdout.text).not.toContain('"name": "baton"');
  });

  test("cannot read /etc/shadow", async () => {
    const result = await sh("cat /etc/shadow");
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout.text).toBe("");
  });

  test("gets a clean environment, not the worker's secrets", async () => {
    const result = await sh(`env; cat /proc/${process.pid}/environ; cat /proc/1/environ; cat /proc/$PPID/environ`);
    expect(result.stdout.text + result.stderr.text).not.toContain(secret);
    expect(result.stdout.text).not.toContain("BATON_");
    expect(result.stdout.text).toContain("HOME=/tmp");
  });

  test("cannot open a network connection, to the host's loopback or beyond", async () => {
    const connections: net.Socket[] = [];
    const server = net.createServer((socket) => connections.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const script = `
        const net = require("node:net");
        const attempt = (host, port) => new Promise((done) => {
          const socket = net.connect({ host, port, timeout: 3000 }, () => { done("connected"); socket.destroy(); });
          socket.on("error", (error) => done(error.code));
          socket.on("timeout", () => { done("timeout"); socket.destroy(); });
        });
        (async () => console.log(await attempt("127.0.0.1", ${port}), await attempt("1.1.1.1", 80)))();`;
      const result = await runSandboxed(sandbox, { workspaceDir, command: ["node", "-e", script] });
      expect(result.stdout.text.trim()).toBe("ECONNREFUSED ENETUNREACH");
      expect(connections).toHaveLength(0);
    } finally {
      server.close();
    }
  });

  test("cannot write outside the workspace; its /tmp is its own", async () => {
    const marker = `baton-escape-${randomBytes(6).toString("hex")}`;
    const result = await sh(`echo x > /usr/${marker}; echo x > /etc/${marker}; echo x > ${path.join(dataDir, marker)}; echo x > /workspace/../${marker}; echo x > /tmp/${marker} && echo tmp-ok`);
    expect(result.stdout.text).toBe("tmp-ok\n");
    expect(result.stderr.text).toMatch(/Read-only file system|No such file or directory/);
    for (const place of ["/usr", "/etc", dataDir, path.dirname(workspaceDir), os.tmpdir()]) {
      expect(existsSync(path.join(place, marker))).toBe(false);
    }
  });

  test("a fork bomb hits the process limit, and the worker can still start processes meanwhile", async () => {
    const bomb = sh("echo armed > bomb.txt; bomb() { bomb | bomb & }; bomb; sleep 3", { limits: { maxProcesses: 64, wallTimeMs: 6_000 } });
    await waitFor(async () => existsSync(path.join(workspaceDir, "bomb.txt")), { what: "the fork bomb to start" });
    // The worker's own processes are not starved while the bomb runs.
    const { stdout } = await execFileAsync("/bin/echo", ["alive"]);
    expect(stdout).toBe("alive\n");
    const result = await bomb;
    expect(result.stderr.text).toMatch(/Cannot fork|Resource temporarily unavailable/);
    expect(result.durationMs).toBeLessThan(15_000);
    expect(await sandboxProcesses()).toEqual([]);
  });

  test("the wall time kills the whole process tree", async () => {
    const result = await sh("sleep 60 & sleep 60", { limits: { wallTimeMs: 1_000 } });
    expect(result.timedOut).toBe(true);
    expect(result.durationMs).toBeLessThan(5_000);
    expect(await sandboxProcesses()).toEqual([]);
  });

  test("what a command leaves running is killed when it exits", async () => {
    const result = await sh("nohup sleep 120 >/dev/null 2>&1 & echo left $!");
    expect(result.exitCode).toBe(0);
    expect(result.stdout.text).toMatch(/^left \d+/);
    expect(await sandboxProcesses()).toEqual([]);
  });

  test("a busy loop is stopped by the CPU time limit", async () => {
    const result = await sh("while :; do :; done", { limits: { cpuSeconds: 1, wallTimeMs: 30_000 } });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).not.toBe(0);
    expect(result.durationMs).toBeLessThan(15_000);
  });

  test("memory is capped", async () => {
    const grow = "const kept = []; for (;;) kept.push(Buffer.alloc(64 * 1024 * 1024, 1));";
    const result = await runSandboxed(sandbox, { workspaceDir, command: ["node", "-e", grow], limits: { memoryBytes: 1024 * 1024 * 1024 } });
    expect(result.exitCode).not.toBe(0);
    expect(result.timedOut).toBe(false);
  });

  test("output beyond the budget is left out in the middle, keeping start and end", async () => {
    const result = await sh("echo first; yes filler | head -c 1000000; echo; echo last", { limits: { maxOutputBytes: 1000 } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.truncated).toBe(true);
    expect(result.stdout.totalBytes).toBeGreaterThan(1_000_000);
    expect(result.stdout.text.startsWith("first\n")).toBe(true);
    expect(result.stdout.text.endsWith("last\n")).toBe(true);
    expect(result.stdout.text.length).toBeLessThan(1100);
  });

  test("without bubblewrap, detection refuses with a reason instead of running unconfined", async () => {
    const status = await detectSandbox({ bwrapPath: "/nonexistent/bwrap" });
    expect(status.available).toBe(false);
    if (!status.available) expect(status.reason).toContain("bubblewrap");
  });

  test("the worker's own children are unaffected after all of this", async () => {
    const child = spawn("/bin/sh", ["-c", "i=0; while [ $i -lt 20 ]; do sleep 0 & i=$((i+1)); done; wait; echo done"]);
    const output = await new Promise<string>((resolve) => {
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
      child.on("close", () => resolve(text));
    });
    expect(output).toBe("done\n");
  });
});
