// How a forge token reaches git: as configuration in the environment of the one git process that
// clones or pushes (GIT_CONFIG_COUNT/KEY/VALUE), never in a remote URL, never in a file, never on
// a command line (which any process may read in /proc). Redirects are not followed, so the header
// cannot be carried to another host.
import { rememberSecret } from "@/lib/redact";

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
