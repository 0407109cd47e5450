// git over SSH against a real OpenSSH server (Debian's openssh-server, started here on a loopback
// port with its own host key and one authorized key): a clone and a push with the private key
// handed over only through GIT_SSH_COMMAND and a 0600 file outside the workspace that is gone after;
// a server whose host key is not the one given is refused. The remote forms are parsed strictly.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runGit } from "@/lib/code/run-git";
import { parseSshRemote, withSshIdentity, type SshIdentity } from "@/lib/code/ssh-remote";
import { createBareFixtureRepository } from "../support/fixture-repository";
import { waitFor } from "../support/wait-for";

const SSHD = "/usr/sbin/sshd";
let root: string;
let sshd: ChildProcess;
let port: number;
let identity: SshIdentity;
let otherHostKey: string;
let remoteUrl: string;

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
});

afterAll(async () => {
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
