// Real mail servers for the mail tests, started once per test file on free loopback ports: Debian's
// Dovecot (IMAP, and the SASL auth Postfix asks) and Postfix (SMTP), sharing one Maildir tree, so
// a message Postfix accepts for friend@example.test shows up in friend's IMAP INBOX. Needs root
// and the Debian packages dovecot-imapd and postfix (see .ci/run).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ImapFlow } from "imapflow";
import { waitFor } from "./wait-for";

/** Debian's "mail" user owns the Maildirs (Dovecot refuses root; Postfix's virtual agent writes as it). */
const MAIL_UID = 8;
const MAIL_GID = 8;
export const MAIL_DOMAIN = "example.test";

export interface MailUser {
  user: string;
  password: string;
  address: string;
}

export interface MailServers {
  host: "127.0.0.1";
  imapPort: number;
  smtpPort: number;
  owner: MailUser;
  friend: MailUser;
  /** A signed-in IMAP client for one of the users (the test logs it out). */
  imap(user: MailUser): Promise<ImapFlow>;
  /** The Message-IDs Postfix accepted over SMTP, in order (its cleanup log lines). */
  accepted(): string[];
  /** How many messages sit in a user's INBOX on disk (delivered, seen or not). */
  delivered(user: MailUser): number;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function portOpen(port: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function dovecotConfig(dir: string, ports: { imap: number; auth: number }): string {
  return `base_dir = ${dir}/dovecot/run
state_dir = ${dir}/dovecot/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests try wrong passwords on purpose; a real server waits 2 s after each.
auth_failure_delay = 0
first_valid_uid = ${MAIL_UID}
last_valid_uid = ${MAIL_UID}
mail_location = maildir:${dir}/mail/%n/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/dovecot/users
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_GID} home=${dir}/mail/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = 0
  }
}
service auth {
  inet_listener {
    address = 127.0.0.1
    port = ${ports.auth}
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
}

function postfixMain(dir: string, ports: { auth: number }): string {
  return `compatibility_level = 3.6
queue_directory = ${dir}/postfix/spool
data_directory = ${dir}/postfix/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mail.${MAIL_DOMAIN}
mydestination =
mynetworks = 127.0.0.0/8
relayhost =
maillog_file = ${dir}/postfix.log
maillog_file_prefixes = ${dir}
smtputf8_enable = no
virtual_mailbox_domains = ${MAIL_DOMAIN}
virtual_mailbox_base = ${dir}/mail
virtual_mailbox_maps = texthash:${dir}/postfix/mailboxes
virtual_uid_maps = static:${MAIL_UID}
virtual_gid_maps = static:${MAIL_GID}
virtual_minimum_uid = ${MAIL_UID}
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:${ports.auth}
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
# Tests refuse wrong passwords on purpose; a real server pauses after each error.
smtpd_error_sleep_time = 0
`;
}

function postfixMaster(smtpPort: number): string {
  const services = [
    `127.0.0.1:${smtpPort} inet n - n - - smtpd`,
    "pickup unix n - n 60 1 pickup",
    "cleanup unix n - n - 0 cleanup",
    "qmgr unix n - n 300 1 qmgr",
    "rewrite unix - - n - - trivial-rewrite",
    "bounce unix - - n - 0 bounce",
    "defer unix - - n - 0 bounce",
    "trace unix - - n - 0 bounce",
    "verify unix - - n - 1 verify",
    "flush unix n - n 1000 0 flush",
    "proxymap unix - - n - - proxymap",
    "smtp unix - - n - - smtp",
    "showq unix n - n - - showq",
    "error unix - - n - - error",
    "retry unix - - n - - error",
    "discard unix - - n - - discard",
    "virtual unix - n n - - virtual",
    "anvil unix - - n - 1 anvil",
    "scache unix - - n - 1 scache",
    "postlog unix-dgram n - n - 1 postlogd",
  ];
  return `${services.join("\n")}\n`;
}

export async function startMailServers(): Promise<MailServers> {
  for (const binary of ["/usr/sbin/dovecot", "/usr/sbin/postfix"]) {
    if (!existsSync(binary)) throw new Error(`${binary} is missing: the mail tests need Debian's dovecot-imapd and postfix (apt-get install -y dovecot-imapd postfix).`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), "baton-mail-"));
  // Dovecot and Postfix's daemons run as unprivileged users and must reach the folder.
  chmodSync(dir, 0o755);
  const [imapPort, smtpPort, authPort] = [await freePort(), await freePort(), await freePort()];
  const owner: MailUser = { user: "owner", password: "owner-app-password-1", address: `owner@${MAIL_DOMAIN}` };
  const friend: MailUser = { user: "friend", password: "friend-password-2", address: `friend@${MAIL_DOMAIN}` };

  for (const sub of ["dovecot/run", "dovecot/state", "postfix/conf", "postfix/spool", "postfix/data", "mail"]) mkdirSync(path.join(dir, sub), { recursive: true });
  writeFileSync(path.join(dir, "dovecot/users"), [owner, friend].map((u) => `${u.user}:{PLAIN}${u.password}::::::`).join("\n") + "\n");
  writeFileSync(path.join(dir, "dovecot/dovecot.conf"), dovecotConfig(dir, { imap: imapPort, auth: authPort }));
  writeFileSync(path.join(dir, "postfix/mailboxes"), [owner, friend].map((u) => `${u.address} ${u.user}/Maildir/`).join("\n") + "\n");
  writeFileSync(path.join(dir, "postfix/conf/main.cf"), postfixMain(dir, { auth: authPort }));
  writeFileSync(path.join(dir, "postfix/conf/master.cf"), postfixMaster(smtpPort));
  chownSync(path.join(dir, "mail"), MAIL_UID, MAIL_GID);
  const postfixUid = Number(spawnSync("id", ["-u", "postfix"], { encoding: "utf8" }).stdout.trim());
  chownSync(path.join(dir, "postfix/data"), postfixUid, 0);

  const children: ChildProcess[] = [];
  const output: string[] = [];
  const run = (command: string, args: string[]) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.on("error", (error) => output.push(`${command}: ${error.message}`));
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    children.push(child);
    return child;
  };
  // Both in the foreground, as this process's children: they end with the test file.
  run("dovecot", ["-F", "-c", path.join(dir, "dovecot/dovecot.conf")]);
  run("postfix", ["-c", path.join(dir, "postfix/conf"), "start-fg"]);
  const what = () => `mail servers (output: ${output.join("").slice(-2000)}; dovecot log: ${readIfThere(path.join(dir, "dovecot.log")).slice(-1500)}; postfix log: ${readIfThere(path.join(dir, "postfix.log")).slice(-1500)})`;
  await waitFor(async () => (await portOpen(imapPort)) && (await portOpen(smtpPort)), { timeoutMs: 30_000, what: what() }).catch((error: unknown) => {
    throw new Error(`${String(error)} ${what()}`);
  });

  const servers: MailServers = {
    host: "127.0.0.1",
    imapPort,
    smtpPort,
    owner,
    friend,
    async imap(user) {
      const client = new ImapFlow({ host: "127.0.0.1", port: imapPort, secure: false, doSTARTTLS: false, auth: { user: user.user, pass: user.password }, logger: false });
      client.on("error", () => undefined);
      await client.connect();
      return client;
    },
    accepted() {
      return [...readIfThere(path.join(dir, "postfix.log")).matchAll(/postfix\/cleanup\[\d+\]: \w+: message-id=(<[^>]*>)/g)].map((match) => match[1]!);
    },
    delivered(user) {
      const maildir = path.join(dir, "mail", user.user, "Maildir");
      return ["new", "cur"].reduce((count, sub) => count + (existsSync(path.join(maildir, sub)) ? readdirSync(path.join(maildir, sub)).length : 0), 0);
    },
    async close() {
      spawnSync("postfix", ["-c", path.join(dir, "postfix/conf"), "stop"], { stdio: "ignore" });
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once("exit", () => resolve());
              child.kill("SIGTERM");
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return servers;
}

function readIfThere(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The mailbox form's fields for the owner's account on these servers: plain IMAP and SMTP on loopback. */
export function ownerMailboxFields(mail: MailServers, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    address: mail.owner.address,
    username: mail.owner.user,
    password: mail.owner.password,
    imapHost: mail.host,
    imapPort: String(mail.imapPort),
    imapSecurity: "none",
    smtpHost: mail.host,
    smtpPort: String(mail.smtpPort),
    smtpSecurity: "none",
    noticeKinds: undefined,
    ...overrides,
  };
}
