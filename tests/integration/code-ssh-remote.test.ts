// git over SSH against a real OpenSSH server (Debian's openssh-server, started here on a loopback
// port with its own host key and one authorized key): a clone and a push with the private key
// handed over only through GIT_SSH_COMMAND and a 0600 file outside the workspace that is gone after;
// a server whose host key is not the one given is refused. The remote forms are parsed strictly.
// Then the wiring: an SSH key credential stored through lib/credentials (sealed in the secret
// store), found by the clone_repository and push_branch tools for the remote's host, under the
// same SSRF rule as https remotes; afterwards the private key is in no table, log line or
// workspace file.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { runGit } from "@/lib/code/run-git";
import { parseSshRemote, withSshIdentity, type SshIdentity } from "@/lib/code/ssh-remote";
import { createSshKeyCredential } from "@/lib/credentials/manage-credentials";
import { createSshKeyCredentialInput } from "@/lib/credentials/schemas";
import { createDb, type Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { detectSandbox } from "@/lib/sandbox/detect-sandbox";
import { codeTools } from "@/lib/tools/code/code-tools";
import { sshKeyFromStore, type CodeToolsOptions } from "@/lib/tools/code/code-tools-options";
import type { ToolContext, ToolDefinition } from "@/lib/tools/types";
import { createTestUser } from "../support/factories";
import { createBareFixtureRepository } from "../support/fixture-repository";
import { testToolContext } from "../support/tool-context";
import { waitFor } from "../support/wait-for";

const SSHD = "/usr/sbin/sshd";
let root: string;
let sshd: ChildProcess;
let port: number;
let identity: SshIdentity;
let otherHostKey: string;
let remoteUrl: string;
let db: Db;

function keygen(file: string): { privateKey: string; publicKey: string } {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", file]);
  return { privateKey: execFileSync("cat", [file], { encoding: "utf8" }), publicKey: execFileSync("cat", [`${file}.pub`], { encoding: "utf8" }).trim() };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: free } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return free;
}

beforeAll(async () => {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: apt-get install -y openssh-server (.ci/run installs it).`);
  root = await mkdtemp(path.join(os.tmpdir(), "baton-sshd-"));
  const host = keygen(path.join(root, "host_key"));
  const user = keygen(path.join(root, "user_key"));
  otherHostKey = keygen(path.join(root, "other_host_key")).publicKey;
  identity = { privateKey: user.privateKey, hostKey: host.publicKey };
  await writeFile(path.join(root, "authorized_keys"), `${user.publicKey}\n`, { mode: 0o600 });
  port = await freePort();
  await writeFile(
    path.join(root, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${path.join(root, "host_key")}`,
      `AuthorizedKeysFile ${path.join(root, "authorized_keys")}`,
      `PidFile ${path.join(root, "sshd.pid")}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "",
    ].join("\n"),
  );
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  sshd = spawn(SSHD, ["-D", "-e", "-f", path.join(root, "sshd_config")], { stdio: ["ignore", "ignore", "pipe"] });
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on("error", () => resolve(false));
      }),
    { what: "sshd to listen" },
  );
  await createBareFixtureRepository(path.join(root, "widgets.git"));
  remoteUrl = `ssh://${os.userInfo().username}@127.0.0.1:${port}${path.join(root, "widgets.git")}`;
  db = createDb(process.env.DATABASE_URL);
});

afterAll(async () => {
  const { db: appDb } = await import("@/lib/db");
  await Promise.allSettled([appDb().$disconnect(), db?.$disconnect()]);
  sshd?.kill("SIGTERM");
  await rm(root, { recursive: true, force: true });
});

describe("SSH remotes", () => {
  test("ssh:// and git@host:path parse; anything git could misread does not", () => {
    expect(parseSshRemote("git@github.com:acme/widgets.git")).toEqual({ url: "git@github.com:acme/widgets.git", user: "git", host: "github.com", port: 22, path: "acme/widgets.git" });
    expect(parseSshRemote("ssh://git@Git.Example.com:2222/acme/widgets.git")).toEqual({ url: "ssh://git@git.example.com:2222/acme/widgets.git", user: "git", host: "git.example.com", port: 2222, path: "/acme/widgets.git" });
    for (const bad of ["-oProxyCommand=x@host:repo", "git@-oProxyCommand=x:repo", "ssh://git:pw@host/repo", "git@host:../../etc", "ssh://git@host/a b", "https://github.com/acme/widgets.git", "host:repo"]) {
      expect(parseSshRemote(bad), bad).toBeNull();
    }
  });

  test("clones and pushes with the key through GIT_SSH_COMMAND; the key file lives outside the workspace only for the command", async () => {
    const remote = parseSshRemote(remoteUrl)!;
    const workspace = path.join(root, "workspace");
    let keyFile = "";
    await withSshIdentity(identity, remote, "127.0.0.1", async (env) => {
      keyFile = /-i '([^']+)'/.exec(env.GIT_SSH_COMMAND!)![1]!;
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      expect(keyFile.startsWith(workspace)).toBe(false);
      await runGit(["clone", "--quiet", "--template=", "--", remote.url, path.join(workspace, "repo")], { env });
    });
    expect(existsSync(keyFile)).toBe(false);
    expect(existsSync(path.dirname(keyFile))).toBe(false);
    expect(await readFile(path.join(workspace, "repo", "src", "cart.js"), "utf8")).toContain("line.quantity");
    const config = await readFile(path.join(workspace, "repo", ".git", "config"), "utf8");
    expect(config).toContain(remote.url);
    expect(config).not.toContain("PRIVATE KEY");

    const git = (...args: string[]) => runGit(["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: path.join(workspace, "repo") });
    await writeFile(path.join(workspace, "repo", "NOTE.md"), "pushed over ssh\n");
    await git("add", "NOTE.md");
    await git("commit", "--quiet", "-m", "note");
    const commit = (await git("rev-parse", "HEAD")).trim();
    await withSshIdentity(identity, remote, "127.0.0.1", (env) => runGit(["push", "--quiet", "--", remote.url, `${commit}:refs/heads/baton/ssh`], { cwd: path.join(workspace, "repo"), env }));
    expect(execFileSync("git", ["rev-parse", "refs/heads/baton/ssh"], { cwd: path.join(root, "widgets.git"), encoding: "utf8" }).trim()).toBe(commit);
  });

  test("a server whose host key is not the one given is refused, and the key file is removed all the same", async () => {
    const remote = parseSshRemote(remoteUrl)!;
    let keyFile = "";
    const clone = withSshIdentity({ ...identity, hostKey: otherHostKey }, remote, "127.0.0.1", (env) => {
      keyFile = /-i '([^']+)'/.exec(env.GIT_SSH_COMMAND!)![1]!;
      return runGit(["clone", "--quiet", "--template=", "--", remote.url, path.join(root, "refused")], { env });
    });
    await expect(clone).rejects.toThrow(/Host key verification failed/);
    expect(existsSync(keyFile)).toBe(false);
    expect(existsSync(path.join(root, "refused", "src"))).toBe(false);
  });
});

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

async function tableDump(): Promise<string> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const values: string[] = [];
  try {
    const { rows: columns } = await client.query<{ table_schema: string; table_name: string; column_name: string }>(
      `SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    for (const { table_schema, table_name, column_name } of columns) {
      const { rows } = await client.query<{ value: string | null }>(`SELECT "${column_name}"::text AS value FROM "${table_schema}"."${table_name}"`);
      for (const row of rows) if (row.value) values.push(row.value);
    }
  } finally {
    await client.end();
  }
  return values.join("\n");
}

describe("an SSH key credential, used by clone_repository and push_branch", () => {
  const site = () => `ssh://127.0.0.1:${port}`;
  const tools = (allowlist: string[]) =>
    codeTools({
      sandbox: () => detectSandbox(),
      credentialsFor: async () => {
        throw new AppError("NOT_FOUND", { message: "No token credentials in this test." });
      },
      sshKeyFor: sshKeyFromStore(db),
      remoteAddresses: { allowlist },
    } satisfies CodeToolsOptions);
  const call = (list: ToolDefinition[], context: ToolContext, name: string, args: unknown) => {
    const tool = list.find((candidate) => candidate.name === name)!;
    return tool.run(tool.input.parse(args), context);
  };
  const storeKey = async (userId: string, hostKey: string) => {
    const input = createSshKeyCredentialInput.parse({ name: "widgets-ssh", label: "Widgets over SSH", site: site(), privateKey: identity.privateKey, hostKey });
    return createSshKeyCredential(db, { userId, input });
  };

  test("the form refuses what is not a usable key, with a message that does not quote it", () => {
    const refused = (fields: Record<string, string>) => {
      const result = createSshKeyCredentialInput.safeParse({ name: "k", label: "K", site: "ssh://git.example.com", privateKey: identity.privateKey, hostKey: identity.hostKey, ...fields });
      expect(result.success).toBe(false);
      return result.error!.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("\n");
    };
    expect(refused({ privateKey: "not a key" })).toMatch(/^privateKey: That is not a private key; paste the whole file/);
    expect(refused({ privateKey: identity.hostKey })).toMatch(/^privateKey: That is a public key/);
    const damaged = identity.privateKey.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!");
    expect(refused({ privateKey: damaged })).toMatch(/^privateKey: That is not a readable OpenSSH private key/);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "a passphrase", "-C", "", "-f", path.join(root, "locked_key")]);
    const locked = execFileSync("cat", [path.join(root, "locked_key")], { encoding: "utf8" });
    expect(refused({ privateKey: locked })).toMatch(/^privateKey: That key is protected by a passphrase/);
    expect(refused({ hostKey: "ssh-ed25519 not-base64!" })).toMatch(/^hostKey: The host key's base64 part/);
    expect(refused({ hostKey: "hello" })).toMatch(/^hostKey: Give the server's host key line/);
    expect(refused({ site: "ssh://git@git.example.com/acme" })).toMatch(/^site: Give the SSH server as ssh:\/\/git.example.com/);
    expect(refused({ privateKey: locked })).not.toContain(locked.split("\n")[1]);
    // A known_hosts line (host first, as ssh-keyscan prints it) is taken as its key.
    const parsed = createSshKeyCredentialInput.parse({ name: "k", label: "K", site: "Git.Example.com", privateKey: identity.privateKey, hostKey: `git.example.com ${identity.hostKey} comment` });
    expect(parsed).toMatchObject({ site: "ssh://git.example.com:22", hostKey: identity.hostKey });
  });

  test("clones over SSH and pushes a baton/ branch; the key is in no table, log line or workspace file", async () => {
    const userId = await createTestUser(db, "Ssh user");
    const view = await storeKey(userId, identity.hostKey);
    expect(view).toMatchObject({ origins: [site()], hostKey: identity.hostKey });
    expect(JSON.stringify(view)).not.toContain("PRIVATE KEY");
    const logged: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
    }
    try {
      const workspaceDir = path.join(root, "data", "workspaces", "task-ssh");
      const context = testToolContext({ userId, workspaceDir });
      const list = tools([`127.0.0.1:${port}`]);
      const cloned = await call(list, context, "clone_repository", { repository: remoteUrl });
      expect(cloned.summary).toMatch(/^Cloned ssh:\/\/.*widgets\.git \(main at [0-9a-f]{7}\) in repo\//);
      const clone = path.join(workspaceDir, "repo");
      expect(await readFile(path.join(clone, "src", "cart.js"), "utf8")).toContain("line.quantity");

      // What propose_patch does, by hand: one commit on the clone.
      const git = (...args: string[]) => runGit(["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: clone });
      await writeFile(path.join(clone, "FIX.md"), "fixed over ssh\n");
      await git("add", "FIX.md");
      await git("commit", "--quiet", "-m", "fix over ssh");
      const commit = (await git("rev-parse", "HEAD")).trim();
      await expect(call(list, context, "push_branch", { repository: remoteUrl, branch: "main", commit })).rejects.toThrow(/base branch/);
      const pushed = await call(list, context, "push_branch", { repository: remoteUrl, branch: "baton/ssh-fix", commit });
      expect(pushed.summary).toBe(`Pushed ${commit.slice(0, 7)} to baton/ssh-fix`);
      expect(execFileSync("git", ["rev-parse", "refs/heads/baton/ssh-fix"], { cwd: path.join(root, "widgets.git"), encoding: "utf8" }).trim()).toBe(commit);
      expect((await call(list, context, "push_branch", { repository: remoteUrl, branch: "baton/ssh-fix", commit })).summary).toMatch(/^Already pushed/);

      const keyLines = identity.privateKey.split("\n").filter((line) => line.length > 40);
      expect(keyLines.length).toBeGreaterThan(2);
      const workspaceText = (await Promise.all((await filesUnder(workspaceDir)).map((file) => readFile(file, "latin1")))).join("\n");
      expect(workspaceText).toContain(remoteUrl); // .git/config names the clean remote
      const dump = await tableDump();
      expect(dump).toContain(`credential:${view.id}:password`);
      expect(dump).toContain(identity.hostKey);
      const outputs = JSON.stringify([cloned, pushed]);
      for (const [where, text] of Object.entries({ workspaceText, dump, logs: logged.join("\n"), outputs })) {
        for (const line of keyLines) {
          expect(text.includes(line), `${where} holds a line of the private key`).toBe(false);
          expect(text.includes(Buffer.from(line).toString("hex")), `${where} holds a line of the private key (hex)`).toBe(false);
        }
      }
    } finally {
      vi.restoreAllMocks();
    }
  });

  test("a stored host key that is not the server's is refused; so is a host without a key, or one the SSRF rule refuses", async () => {
    const userId = await createTestUser(db, "Ssh user with a wrong host key");
    const context = testToolContext({ userId, workspaceDir: path.join(root, "data", "workspaces", "task-wrong-key") });
    const list = tools([`127.0.0.1:${port}`]);
    await expect(call(list, context, "clone_repository", { repository: remoteUrl })).rejects.toThrow(`There is no SSH key credential for ${site()}. Add one on the Credentials page.`);
    await storeKey(userId, otherHostKey);
    await expect(call(list, context, "clone_repository", { repository: remoteUrl })).rejects.toThrow(/Host key verification failed/);
    expect(existsSync(path.join(context.workspaceDir, "repo", "src"))).toBe(false);
    // Without the admin's allowlist, a loopback SSH host is refused before any connection, as an https one is.
    await expect(call(tools([]), context, "clone_repository", { repository: remoteUrl })).rejects.toThrow(/^Refused: 127\.0\.0\.1 is .*allowlist it with its port \(127\.0\.0\.1:\d+\)/);
  });
});
