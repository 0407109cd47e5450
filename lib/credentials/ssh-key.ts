// What an SSH key credential holds, checked before it is stored: a private key ssh can use without
// a prompt (Baton runs ssh in batch mode, so a passphrase-protected key could never be used), and
// the server's public host key in known_hosts form. Both are parsed here, so a paste that is not
// one is refused with a readable message instead of failing later at clone time. Messages never
// quote the private key.
import { createPrivateKey } from "node:crypto";

const OPENSSH_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
const OPENSSH_END = "-----END OPENSSH PRIVATE KEY-----";
const MAGIC = "openssh-key-v1\0";

/** Host key types OpenSSH accepts today. */
const HOST_KEY_TYPES = new Set([
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
]);

/** Reads the length-prefixed strings of the OpenSSH wire format. */
function reader(buffer: Buffer) {
  let offset = 0;
  return {
    string(): Buffer {
      if (offset + 4 > buffer.length) throw new Error("short");
      const length = buffer.readUInt32BE(offset);
      if (offset + 4 + length > buffer.length) throw new Error("short");
      const value = buffer.subarray(offset + 4, offset + 4 + length);
      offset += 4 + length;
      return value;
    },
    uint32(): number {
      if (offset + 4 > buffer.length) throw new Error("short");
      const value = buffer.readUInt32BE(offset);
      offset += 4;
      return value;
    },
    skip(count: number) {
      offset += count;
    },
  };
}

/** The key as stored (trimmed, one final newline), or the reason it is refused. */
export function checkPrivateKey(text: string): { key: string } | { problem: string } {
  const key = `${text.replace(/\r\n/g, "\n").trim()}\n`;
  if (key.startsWith(OPENSSH_BEGIN)) {
    if (!key.trimEnd().endsWith(OPENSSH_END)) return { problem: `The key is cut short: it should end with ${OPENSSH_END}.` };
    const body = Buffer.from(key.slice(OPENSSH_BEGIN.length, key.lastIndexOf(OPENSSH_END)).replace(/\s+/g, ""), "base64");
    try {
      if (body.subarray(0, MAGIC.length).toString("latin1") !== MAGIC) throw new Error("magic");
      const read = reader(body);
      read.skip(MAGIC.length);
      const cipher = read.string().toString("latin1");
      if (cipher !== "none") return { problem: "That key is protected by a passphrase, which Baton cannot type; make a key without one for Baton (ssh-keygen -N '')." };
      read.string(); // kdf name
      read.string(); // kdf options
      if (read.uint32() !== 1) return { problem: "Paste exactly one private key." };
      read.string(); // public key
      read.string(); // the private section
      return { key };
    } catch {
      return { problem: "That is not a readable OpenSSH private key; paste the whole file (e.g. ~/.ssh/id_ed25519), from BEGIN to END." };
    }
  }
  if (/^-----BEGIN (?:RSA |EC |)PRIVATE KEY-----/.test(key)) {
    try {
      createPrivateKey(key);
      return { key };
    } catch {
      return { problem: "That PEM private key does not parse (or it is protected by a passphrase, which Baton cannot type)." };
    }
  }
  if (/^-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(key)) return { problem: "That key is protected by a passphrase, which Baton cannot type; make a key without one for Baton." };
  if (/^(?:ssh-|ecdsa-|sk-)/.test(key)) return { problem: "That is a public key; paste the private key (the file without .pub)." };
  return { problem: "That is not a private key; paste the whole file, from -----BEGIN to -----END." };
}

/**
 * "ssh-ed25519 AAAA…" from a host key line as `ssh-keyscan` or known_hosts give it (a leading host
 * name and a trailing comment are dropped); the reason it is refused otherwise.
 */
export function checkHostKey(text: string): { hostKey: string } | { problem: string } {
  const fields = text.trim().split(/\s+/);
  const at = fields.findIndex((field) => HOST_KEY_TYPES.has(field));
  if (at < 0 || fields.length > at + 3 || at > 1) {
    return { problem: "Give the server's host key line, e.g. \"ssh-ed25519 AAAAC3…\" (ssh-keyscan -t ed25519 git.example.com prints it)." };
  }
  const type = fields[at]!;
  const blob = fields[at + 1] ?? "";
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return { problem: "The host key's base64 part is missing or damaged." };
  try {
    const named = reader(Buffer.from(blob, "base64")).string().toString("latin1");
    if (named !== type) return { problem: `The host key says it is ${type} but its data is of another type.` };
  } catch {
    return { problem: "The host key's base64 part is missing or damaged." };
  }
  return { hostKey: `${type} ${blob}` };
}

/** "ssh://host:port", the site an SSH key credential is for, from what was typed ("git.example.com", "ssh://git.example.com:2222"). */
export function normalizeSshSite(text: string): { site: string; host: string; port: number } | { problem: string } {
  const typed = text.trim().toLowerCase();
  const match = /^(?:ssh:\/\/)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)(?::(\d{1,5}))?\/?$/.exec(typed);
  const port = match?.[2] ? Number(match[2]) : 22;
  if (!match || port < 1 || port > 65535) return { problem: "Give the SSH server as ssh://git.example.com or ssh://git.example.com:2222 (no user, no path)." };
  return { site: sshSite(match[1]!, port), host: match[1]!, port };
}

export const sshSite = (host: string, port: number) => `ssh://${host.toLowerCase()}:${port}`;
