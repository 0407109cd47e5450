// A template's package registries, for real: run_command in real bubblewrap (network still
// unshared) reaches a listed registry through Baton's proxy, by name, both as plain http and
// through a CONNECT tunnel (how npm and pip reach https registries), while an unlisted host, a
// listed name that resolves to a metadata address, and a direct connection all fail; with no
// registries listed the command has no network at all. The registries are local fakes whose names
// are mapped to loopback by the lookup the proxy is given, never real DNS.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { TaskCodeRules } from "@/lib/code/task-code-rules";
import { detectSandbox } from "@/lib/sandbox/detect-sandbox";
import { registryHostsInput } from "@/lib/sandbox/registry-hosts";
import { createRunCommandTool } from "@/lib/tools/code/run-command-tool";
import { testToolContext } from "../support/tool-context";

interface Fake {
  server: http.Server;
  port: number;
  seen: string[];
}

async function fakeServer(answer: string): Promise<Fake> {
  const seen: string[] = [];
  const server = http.createServer((request, response) => {
    seen.push(`${request.method} ${request.headers.host} ${request.url}`);
    response.writeHead(200, { "content-type": "application/json" }).end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

let root: string;
let registry: Fake;
let unlisted: Fake;

const lookup = async (hostname: string) => {
  if (hostname === "registry.test" || hostname === "elsewhere.test") return [{ address: "127.0.0.1", family: 4 as const }];
  if (hostname === "metadata.test") return [{ address: "169.254.169.254", family: 4 as const }];
  throw new Error(`ENOTFOUND ${hostname}`);
};

function runCommand(registryHosts: string[]) {
  const rules: TaskCodeRules = { repository: "/nowhere", baseBranch: "main", branchPrefix: "baton/", registryHosts };
  return createRunCommandTool({
    sandbox: () => detectSandbox(),
    taskRules: async ({ taskId }) => (taskId === "task-with-rules" ? rules : null),
    // The fakes are on loopback, which the SSRF rule refuses unless the admin allowlisted it: here only their ports.
    remoteAddresses: { allowlist: [`127.0.0.1:${registry.port}`, `127.0.0.1:${unlisted.port}`], lookup },
  });
}

async function run(registryHosts: string[], command: string) {
  const tool = runCommand(registryHosts);
  const context = testToolContext({ taskId: "task-with-rules", workspaceDir: path.join(root, "workspace") });
  const result = await tool.run(tool.input.parse({ command }), context);
  return { ...(result.output as { exitCode: number | null; stdout: string; stderr: string; network?: { reached: string[]; refused: string[] } }), summary: result.summary };
}

beforeAll(async () => {
  const status = await detectSandbox();
  if (!status.available) throw new Error(status.reason);
  root = await mkdtemp(path.join(os.tmpdir(), "baton-registries-"));
  registry = await fakeServer('{"name":"left-pad","versions":["1.3.0"]}');
  unlisted = await fakeServer('{"secret":"should never be read"}');
});

afterAll(async () => {
  await Promise.all([registry, unlisted].map((fake) => new Promise((resolve) => fake.server.close(resolve))));
  await rm(root, { recursive: true, force: true });
});

describe("package registries for run_command", () => {
  test("the template's field takes host names (with a port if needed), never addresses or URLs", () => {
    expect(registryHostsInput.parse("registry.npmjs.org, PyPI.org\nfiles.pythonhosted.org:443")).toEqual(["registry.npmjs.org", "pypi.org", "files.pythonhosted.org:443"]);
    expect(registryHostsInput.parse("")).toEqual([]);
    for (const bad of ["169.254.169.254", "https://registry.npmjs.org/", "registry.npmjs.org:99999", "-bad.example"]) {
      expect(registryHostsInput.safeParse(bad).success, bad).toBe(false);
    }
  });

  test("a listed registry is reachable by name, over plain http and through a CONNECT tunnel; nothing else is", async () => {
    const listed = `registry.test:${registry.port}`;
    const plain = await run([listed], `curl -sS --max-time 10 http://${listed}/left-pad`);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(plain.stdout).toBe('{"name":"left-pad","versions":["1.3.0"]}');
    expect(registry.seen).toContain(`GET ${listed} /left-pad`);

    // -p: the way an https client goes, a CONNECT to the proxy and the request inside the tunnel.
    const tunneled = await run([listed], `curl -sS --max-time 10 -p http://${listed}/left-pad`);
    expect(tunneled.exitCode, tunneled.stderr).toBe(0);
    expect(tunneled.stdout).toContain("left-pad");
    expect(tunneled.network?.reached).toEqual([listed]);

    const other = await run([listed], `curl -sS --max-time 10 -p http://elsewhere.test:${unlisted.port}/; echo "exit $?"; curl -sSf --max-time 10 http://elsewhere.test:${unlisted.port}/; echo "exit $?"`);
    expect(other.stdout).not.toContain("should never be read");
    expect(other.stdout).toMatch(/exit [1-9]\d*\n.*exit [1-9]/s);
    expect(other.network?.refused).toEqual([`elsewhere.test:${unlisted.port}`]);
    expect(other.summary).toContain(`the proxy refused elsewhere.test:${unlisted.port}`);
    expect(unlisted.seen).toEqual([]);

    // Around the proxy: straight to the registry's address, as a program that ignores HTTP(S)_PROXY would.
    const direct = await run([listed], `curl -sS --max-time 5 --noproxy '*' http://127.0.0.1:${registry.port}/left-pad`);
    expect(direct.exitCode).not.toBe(0);
    expect(direct.stdout).toBe("");
  });

  test("a listed name that resolves to a metadata address is refused by the SSRF rule", async () => {
    const result = await run(["metadata.test:80"], "curl -sS --max-time 10 -p http://metadata.test/latest/meta-data/");
    expect(result.exitCode).not.toBe(0);
    expect(result.network?.refused).toEqual(["metadata.test:80"]);
  });

  test("with no registries listed there is no proxy and no network", async () => {
    const result = await run([], `echo "proxy=\${HTTPS_PROXY:-none}"; curl -sS --max-time 5 http://127.0.0.1:${registry.port}/left-pad; echo "exit $?"`);
    expect(result.stdout).toMatch(/^proxy=none\n/);
    expect(result.stdout).toMatch(/exit [1-9]/);
    expect(result.stdout).not.toContain("left-pad");
    expect(result.network).toBeUndefined();
  });
});
