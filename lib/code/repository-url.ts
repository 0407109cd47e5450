// Which remotes a code workspace may clone from and push to. A URL with a user name or password
// in it is refused: the token lives in the secret store and reaches git only for one command.
// Plain http is for loopback (a local forge, the tests); a local path is for self-hosters.
import path from "node:path";
import { z } from "zod";
import { parseSshRemote, type SshRemote } from "./ssh-remote";

export type RepositoryRemote =
  /** resolve: the checked address git connects to (remote-address.ts), "host:port:address". */
  | { kind: "https"; url: string; origin: string; resolve?: string }
  | { kind: "local"; path: string }
  /** address: the checked address ssh connects to (remote-address.ts). */
  | { kind: "ssh"; url: string; ssh: SshRemote; address?: string };

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function parseRepositoryRemote(text: string): { ok: true; remote: RepositoryRemote } | { ok: false; problem: string } {
  if (path.isAbsolute(text)) return { ok: true, remote: { kind: "local", path: path.resolve(text) } };
  // ssh://user@host[:port]/path or user@host:path; the key comes from an SSH key credential.
  if (text.startsWith("ssh://") || /^[^/:\s]+@[^/:\s]+:/.test(text)) {
    const ssh = parseSshRemote(text);
    // Not quoted back: what was typed may hold a password.
    if (!ssh) return { ok: false, problem: "That is not an SSH remote Baton accepts: use ssh://git@host[:port]/path or git@host:path, with no password in it." };
    return { ok: true, remote: { kind: "ssh", url: ssh.url, ssh } };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: `"${text.slice(0, 80)}" is neither an https or ssh URL nor an absolute path.` };
  }
  if (url.username || url.password) return { ok: false, problem: "A repository URL with a user name or token in it is refused; store the token as a credential instead." };
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    return { ok: false, problem: `Only https repositories (or http on this machine) can be cloned, not ${url.protocol}.` };
  }
  if (url.search || url.hash) return { ok: false, problem: "The repository URL has a query or fragment." };
  return { ok: true, remote: { kind: "https", url: url.href, origin: url.origin } };
}

export const repositoryUrlSchema = z
  .string()
  .min(1)
  .max(500)
  .refine((text) => parseRepositoryRemote(text).ok, { message: "Give an https or ssh URL of a git repository (no token in it) or an absolute local path." })
  .describe('The repository, e.g. "https://github.com/acme/widgets.git" or "git@github.com:acme/widgets.git".');

export function remoteLocation(remote: RepositoryRemote): string {
  return remote.kind === "local" ? remote.path : remote.url;
}
