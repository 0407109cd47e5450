// How a forge token (or an SSH key, ssh-remote.ts) reaches git: as configuration in the environment of the one git process that
// clones or pushes (GIT_CONFIG_COUNT/KEY/VALUE), never in a remote URL, never in a file, never on
// a command line (which any process may read in /proc). Redirects are not followed, so the header
// cannot be carried to another host.
import { rememberSecret } from "@/lib/redact";
import { pinnedAddressConfig } from "./remote-address";
import type { RepositoryRemote } from "./repository-url";
import { withSshIdentity, type SshIdentity } from "./ssh-remote";

export interface GitCredentials {
  /** The user name for HTTP Basic; GitHub takes any with a token, conventionally x-access-token. */
  username: string;
  token: string;
}

/** Environment entries that give git config for this process only. */
export function configEnv(entries: readonly (readonly [string, string])[]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

/** The config entries that authenticate one HTTPS request stream with the token. */
export function credentialConfig(credentials: GitCredentials | undefined): [string, string][] {
  if (!credentials) return [];
  // Kept in redaction from now on, should git or a server ever echo it back.
  rememberSecret(credentials.token);
  const basic = Buffer.from(`${credentials.username}:${credentials.token}`).toString("base64");
  rememberSecret(basic);
  return [
    ["http.extraHeader", `Authorization: Basic ${basic}`],
    ["http.followRedirects", "false"],
  ];
}

/** What authenticates Baton's git commands to one remote: a forge token over HTTPS, or an SSH key. */
export interface RemoteAccess {
  token?: GitCredentials;
  ssh?: SshIdentity;
}

/**
 * Runs one git command against the remote with its credentials: the token and the checked address
 * as config for an https remote; for an ssh remote, GIT_SSH_COMMAND with the key in a temp file
 * that is gone when the command ends (ssh-remote.ts). An ssh remote without a key is refused here.
 */
export async function withRemoteAccess<T>(remote: RepositoryRemote, access: RemoteAccess, run: (options: { config: [string, string][]; env?: Record<string, string> }) => Promise<T>): Promise<T> {
  if (remote.kind === "https") return run({ config: [...credentialConfig(access.token), ...pinnedAddressConfig(remote)] });
  if (remote.kind === "local") return run({ config: [] });
  if (!access.ssh) throw new Error(`No SSH key was given for ${remote.ssh.host}.`);
  return withSshIdentity(access.ssh, remote.ssh, remote.address, (env) => run({ config: [], env }));
}
