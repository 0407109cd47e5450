// Inside a sandbox with package registries: bubblewrap gave it a network namespace of its own with
// only loopback, so a program's HTTP(S)_PROXY points at 127.0.0.1:PROXY_PORT, where this small
// Node program (run as the command's parent, as the sandbox's uid) listens and hands each
// connection to Baton's proxy through the unix socket bound in. It only moves bytes: what may
// pass is decided outside (registry-proxy.ts), so a command that kills or replaces it gains nothing.
// It listens before starting the command, so the command's first request finds it.

/** Where the proxy's socket appears inside the sandbox. */
export const PROXY_SOCKET_INSIDE = "/run/baton/registry-proxy.sock";
export const PROXY_PORT = 3128;

const FORWARDER = `
const net = require("node:net");
const { spawn } = require("node:child_process");
const [socketPath, port, ...command] = process.argv.slice(1);
const server = net.createServer((inside) => {
  const outside = net.connect(socketPath);
  inside.on("error", () => outside.destroy());
  outside.on("error", () => inside.destroy());
  inside.pipe(outside);
  outside.pipe(inside);
});
server.listen(Number(port), "127.0.0.1", () => {
  const child = spawn(command[0], command.slice(1), { stdio: "inherit" });
  child.on("error", (error) => { console.error(String(error)); process.exit(127); });
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (require("node:os").constants.signals[signal] ?? 0)));
});
`;

/** The command, started under the forwarder by this Node binary (one the sandbox can see, under /usr). */
export function withForwarder(nodePath: string, command: readonly string[]): string[] {
  return [nodePath, "-e", FORWARDER, "--", PROXY_SOCKET_INSIDE, String(PROXY_PORT), ...command];
}

/** The environment that sends the usual clients (curl, npm, pip, go) through the forwarder. */
export function proxyEnv(): Record<string, string> {
  const url = `http://127.0.0.1:${PROXY_PORT}`;
  return { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url, npm_config_proxy: url, npm_config_https_proxy: url, NO_PROXY: "", no_proxy: "" };
}
