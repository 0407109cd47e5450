// git over SSH: ssh:// and scp-like (git@host:path) remotes, with a private key from the secret
// store. The key reaches ssh as a file only for the one git command that needs it: written 0600 in
// a fresh 0700 folder under the system's temp folder (never the workspace, which the sandbox can
// read), named by GIT_SSH_COMMAND in that process's environment, and removed when it ends, failed
// or not. ssh reads no config, agent or known_hosts of the machine's: only the host key given
// (StrictHostKeyChecking=yes, so a changed or unknown key is refused, never learnt), and it connects
// to the address that was checked when one is given (Hostname=, with HostKeyAlias= keeping the
// host key bound to the name). clone_repository and push_branch reach it through git-auth.ts.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { rememberSecret } from "@/lib/redact";

export interface SshRemote {
  /** What git is given: ssh://user@host[:port]/path, or user@host:path as typed. */
  url: string;
  user: string;
  host: string;
  port: number;
  path: string;
}

const USER = /^[A-Za-z0-9._-]{1,64}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\d{1,3}(?:\.\d{1,3}){3})$/;
const PATH = /^[A-Za-z0-9._~/-]{1,400}$/;

/** ssh://user@host[:port]/path or user@host:path; null for anything else (or a shape git could misread as an option). */
export function parseSshRemote(text: string): SshRemote | null {
  const scp = /^([^@/:\s]+)@([^@/:\s]+):(?!\/\/)([^\s]+)$/.exec(text);
  if (scp && !text.startsWith("ssh://")) {
    const [, user, host, repoPath] = scp;
    if (!USER.test(user!) || !HOST.test(host!) || !PATH.test(repoPath!) || repoPath!.includes("..")) return null;
    return { url: text, user: user!, host: host!.toLowerCase(), port: 22, path: repoPath! };
  }
  if (!text.startsWith("ssh://")) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const user = decodeURIComponent(url.username);
  if (!USER.test(user) || url.password || url.search || url.hash || !HOST.test(url.hostname) || !PATH.test(url.pathname) || url.pathname.includes("..")) return null;
  const port = url.port ? Number(url.port) : 22;
  const host = url.hostname.toLowerCase();
  return { url: `ssh://${user}@${host}${port === 22 ? "" : `:${port}`}${url.pathname}`, user, host, port, path: url.pathname };
}

/** The key ssh checks the server against: "ssh-ed25519 AAAA…" (a line of known_hosts without the host). */
export interface SshIdentity {
  privateKey: string;
  hostKey: string;
}

/** A name (or its port) git or ssh could take as an option is refused before any quoting. */
function quote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

export function sshCommand(params: { keyFile: string; knownHostsFile: string; remote: SshRemote; address?: string }): string {
  const alias = params.remote.port === 22 ? params.remote.host : `[${params.remote.host}]:${params.remote.port}`;
  const options = [
    "-F",
    "/dev/null",
    "-i",
    quote(params.keyFile),
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "IdentityAgent=none",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${quote(params.knownHostsFile)}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    `HostKeyAlias=${quote(alias)}`,
    ...(params.address ? ["-o", `Hostname=${quote(params.address)}`] : []),
    "-o",
    "ProxyCommand=none",
    "-o",
    "PermitLocalCommand=no",
    "-o",
    "ClearAllForwardings=yes",
    "-o",
    "ConnectTimeout=20",
  ];
  return `ssh ${options.join(" ")}`;
}

/** Runs fn with the environment that lets one git process reach the remote with the key; the key file is gone after. */
export async function withSshIdentity<T>(identity: SshIdentity, remote: SshRemote, address: string | undefined, fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  rememberSecret(identity.privateKey);
  const dir = await mkdtemp(path.join(os.tmpdir(), "baton-ssh-"));
  try {
    const keyFile = path.join(dir, "key");
    const knownHostsFile = path.join(dir, "known_hosts");
    // ssh refuses a key without a final newline, and one readable by others.
    await writeFile(keyFile, identity.privateKey.endsWith("\n") ? identity.privateKey : `${identity.privateKey}\n`, { mode: 0o600 });
    const alias = remote.port === 22 ? remote.host : `[${remote.host}]:${remote.port}`;
    await writeFile(knownHostsFile, `${alias} ${identity.hostKey.trim()}\n`, { mode: 0o600 });
    return await fn({ GIT_SSH_COMMAND: sshCommand({ keyFile, knownHostsFile, remote, address }), GIT_SSH_VARIANT: "ssh" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
