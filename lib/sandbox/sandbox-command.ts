// The argument vector that starts one command in the sandbox. bubblewrap builds a new mount
// namespace from nothing: the system's programs and libraries read-only, a private /proc, /dev
// and /tmp, the task's workspace (passed as an open folder, so the path to it need not be
// reachable by the sandbox's user) as the one writable place, and nothing else: not Baton's code,
// not its data folder, not /root or /home, and only the few files of /etc that programs need
// (never /etc/shadow). A fresh user, pid, network, IPC and UTS namespace each; the environment
// is rebuilt from scratch. prlimit sets the kernel's per-process limits before bwrap starts.
// When Baton runs as root, bwrap runs privileged (no user namespace: a root-owned 0700 data
// folder on the way to the workspace stays reachable for the mounts) and setpriv, inside, drops
// to an unprivileged uid of the sandbox's own with no capabilities and no new privileges: the
// kernel does not count root's processes against RLIMIT_NPROC, and a setuid program cannot
// climb back.
import { lstatSync, readlinkSync } from "node:fs";
import { PROXY_SOCKET_INSIDE, proxyEnv, withForwarder } from "./proxy-forwarder";
import type { SandboxLimits } from "./sandbox-limits";

/** Where the workspace appears inside the sandbox. */
export const SANDBOX_WORKSPACE = "/workspace";
/** The file descriptor the runner hands the workspace folder over on. */
export const WORKSPACE_FD = 3;

const SYSTEM_DIRS = ["/usr"];
/** Top-level names that are, on merged-/usr systems, symlinks into /usr. */
const USR_ALIASES = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
const ETC_FILES = [
  "/etc/alternatives",
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/localtime",
  "/etc/passwd",
  "/etc/group",
  "/etc/nsswitch.conf",
  "/etc/hosts",
  "/etc/ssl",
  "/etc/ca-certificates",
];
const ETC_FILES_WITH_NETWORK = ["/etc/resolv.conf"];

export interface SandboxCommandParams {
  bwrapPath: string;
  /** The uid to drop to first (Baton runs as root), or null to stay the current user. */
  runAsUid: number | null;
  limits: SandboxLimits;
  network: boolean;
  /**
   * Package registries only (registry-proxy.ts): the network stays unshared, the proxy's socket is
   * bound in, and the command runs under the forwarder with HTTP(S)_PROXY set.
   */
  registryProxy?: { socketPath: string; nodePath: string };
  /** A folder inside the workspace, as seen inside: "/workspace/repo". */
  cwd: string;
  command: readonly string[];
  env: Readonly<Record<string, string>>;
}

function systemMounts(): string[] {
  const args = SYSTEM_DIRS.flatMap((dir) => ["--ro-bind", dir, dir]);
  for (const alias of USR_ALIASES) {
    try {
      const stats = lstatSync(alias);
      args.push(...(stats.isSymbolicLink() ? ["--symlink", readlinkSync(alias), alias] : ["--ro-bind", alias, alias]));
    } catch {
      // Not on this system.
    }
  }
  return args;
}

export function sandboxEnv(extra: Readonly<Record<string, string>>): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: "/tmp",
    TMPDIR: "/tmp",
    LANG: "C.UTF-8",
    TERM: "dumb",
    CI: "1",
    ...extra,
  };
}

export function sandboxCommand(params: SandboxCommandParams): string[] {
  const { limits } = params;
  const uid = params.runAsUid;
  const namespaces =
    uid === null
      ? ["--unshare-all", ...(params.network ? ["--share-net"] : [])]
      : ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try", ...(params.network ? [] : ["--unshare-net"]), "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"];
  const drop =
    uid === null
      ? []
      : ["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"];
  const rlimits = [
    "prlimit",
    `--cpu=${limits.cpuSeconds}`,
    `--as=${limits.memoryBytes}`,
    `--nproc=${limits.maxProcesses}`,
    `--fsize=${limits.maxFileBytes}`,
    "--core=0",
    "--",
  ];
  const etc = [...ETC_FILES, ...(params.network ? ETC_FILES_WITH_NETWORK : [])].flatMap((file) => ["--ro-bind-try", file, file]);
  const proxy = params.network ? undefined : params.registryProxy;
  const env = Object.entries(sandboxEnv({ ...params.env, ...(proxy ? proxyEnv() : {}) })).flatMap(([name, value]) => ["--setenv", name, value]);
  return [
    ...rlimits,
    params.bwrapPath,
    ...namespaces,
    "--die-with-parent",
    "--new-session",
    "--hostname",
    "sandbox",
    ...systemMounts(),
    // Made by hand, so it is readable: bwrap would create it 0700 as the parent of the binds below.
    "--perms",
    "0755",
    "--dir",
    "/etc",
    ...etc,
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--perms",
    "1777",
    "--size",
    String(limits.tmpBytes),
    "--tmpfs",
    "/tmp",
    ...(proxy ? ["--dir", "/run/baton", "--ro-bind", proxy.socketPath, PROXY_SOCKET_INSIDE] : []),
    "--bind-fd",
    String(WORKSPACE_FD),
    SANDBOX_WORKSPACE,
    "--chdir",
    params.cwd,
    "--clearenv",
    ...env,
    "--",
    ...drop,
    ...(proxy ? withForwarder(proxy.nodePath, params.command) : params.command),
  ];
}
