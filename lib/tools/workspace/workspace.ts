// The task workspace: the one folder a task's tools may read and write. Every path a model gives is
// relative to it and is checked twice: lexically (no absolute paths, no `..` out) and on disk,
// through realpath, so a symlink cannot lead outside either.
import { constants, type Stats } from "node:fs";
import { mkdir, open, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ToolError, type ToolContext } from "../types";

export const workspacePathSchema = z
  .string()
  .min(1)
  .max(1024)
  .describe('A path relative to the task workspace, e.g. "notes/today.md". Absolute paths and ".." are refused.');

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** The workspace's real path; created on demand for writes, null when it does not exist yet. */
export async function workspaceRoot(context: ToolContext, create: boolean): Promise<string | null> {
  try {
    return await realpath(context.workspaceDir);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
    if (!create) return null;
    await mkdir(context.workspaceDir, { recursive: true });
    return realpath(context.workspaceDir);
  }
}

/** `relativePath` inside `root` as a lexical absolute path, or a ToolError. */
function lexicalPath(root: string, relativePath: string): string {
  if (relativePath.includes("\0")) throw new ToolError("The path contains a NUL character.");
  if (path.isAbsolute(relativePath)) {
    throw new ToolError(`"${relativePath}" is absolute; give a path relative to the task workspace.`);
  }
  const resolved = path.resolve(root, relativePath);
  if (!isInside(root, resolved)) throw new ToolError(`"${relativePath}" points outside the task workspace.`);
  return resolved;
}

/** The real path, or null if nothing is there (a dangling symlink included). */
async function realpathIfExists(target: string, shownPath: string): Promise<string | null> {
  try {
    return await realpath(target);
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return null;
    if (errorCode(error) === "ELOOP") throw new ToolError(`"${shownPath}" is a symlink loop.`, { cause: error });
    throw error;
  }
}

/** The real path of something that exists, refused if it resolves (through symlinks) outside. */
async function realInside(root: string, lexical: string, shownPath: string): Promise<string> {
  const real = await realpathIfExists(lexical, shownPath);
  if (real === null) throw new ToolError(`No such file or folder in the workspace: "${shownPath}".`);
  if (!isInside(root, real)) throw new ToolError(`"${shownPath}" points outside the task workspace.`);
  return real;
}

/** The workspace-relative form of a real path inside it, with forward slashes. */
export function toWorkspaceRelative(root: string, real: string): string {
  return path.relative(root, real).split(path.sep).join("/") || ".";
}

export interface ResolvedPath {
  root: string;
  /** The real, symlink-free absolute path. */
  real: string;
  /** As shown to the model: relative to the workspace. */
  relative: string;
}

/** Resolves a path to something that exists inside the workspace, or throws a ToolError. */
export async function resolveExisting(context: ToolContext, relativePath: string): Promise<ResolvedPath> {
  const root = await workspaceRoot(context, false);
  if (root === null) {
    lexicalPath(context.workspaceDir, relativePath);
    throw new ToolError(`No such file or folder in the workspace: "${relativePath}" (the workspace is empty).`);
  }
  const real = await realInside(root, lexicalPath(root, relativePath), relativePath);
  return { root, real, relative: toWorkspaceRelative(root, real) };
}

/** The deepest ancestor of `lexical` that exists, as a real path. */
async function deepestExistingAncestor(lexical: string): Promise<string> {
  for (let current = lexical; ; current = path.dirname(current)) {
    try {
      return await realpath(current);
    } catch (error) {
      const missing = errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR";
      if (!missing || path.dirname(current) === current) throw error;
    }
  }
}

/**
 * Resolves a path to write to: creates the missing folders (only after checking that the part that
 * exists is inside), and returns a real path whose last part is not a symlink that leads outside.
 */
export async function resolveForWrite(context: ToolContext, relativePath: string): Promise<ResolvedPath & { exists: boolean }> {
  const root = await workspaceRoot(context, true);
  if (root === null) throw new Error("The workspace could not be created.");
  const lexical = lexicalPath(root, relativePath);
  if (lexical === root) throw new ToolError("Give a file path, not the workspace itself.");
  const parent = path.dirname(lexical);

  if (!isInside(root, await deepestExistingAncestor(parent))) {
    throw new ToolError(`"${relativePath}" points outside the task workspace.`);
  }
  try {
    await mkdir(parent, { recursive: true });
  } catch (error) {
    if (errorCode(error) === "EEXIST" || errorCode(error) === "ENOTDIR") {
      throw new ToolError(`Cannot create the folders for "${relativePath}": a file is in the way.`, { cause: error });
    }
    throw error;
  }
  const realParent = await realInside(root, parent, relativePath);
  const target = path.join(/* turbopackIgnore: true */ realParent, path.basename(lexical));
  // An existing symlink is followed only if it stays inside; a dangling one is refused at open.
  const existing = await realpathIfExists(target, relativePath);
  if (existing !== null && !isInside(root, existing)) {
    throw new ToolError(`"${relativePath}" points outside the task workspace.`);
  }
  const real = existing ?? target;
  return { root, real, relative: toWorkspaceRelative(root, real), exists: existing !== null };
}

export interface TextFile {
  text: string;
  /** The whole file's size in bytes. */
  size: number;
  /** Only part of the file was read. */
  truncated: boolean;
}

function describeKind(stats: Stats): string {
  return stats.isDirectory() ? "a folder" : "not a regular file";
}

/**
 * Reads up to `maxBytes` of a UTF-8 text file from byte `offset`. Refuses folders, devices, pipes
 * and binary files. O_NOFOLLOW and O_NONBLOCK close the gaps between the check and the open: a
 * symlink swapped in is not followed and a FIFO does not block.
 */
export async function readTextFile(resolved: ResolvedPath, maxBytes: number, offset = 0): Promise<TextFile> {
  const metadata = await stat(resolved.real);
  if (!metadata.isFile()) throw new ToolError(`"${resolved.relative}" is ${describeKind(metadata)}.`);
  const handle = await open(resolved.real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw new ToolError(`"${resolved.relative}" is ${describeKind(opened)}.`);
    const length = Math.max(0, Math.min(maxBytes, opened.size - offset));
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, offset + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    const bytes = buffer.subarray(0, read);
    if (bytes.subarray(0, 8192).includes(0)) {
      throw new ToolError(`"${resolved.relative}" looks like a binary file (${opened.size} bytes); only text can be read.`);
    }
    // stream: true holds back a character cut in half at the end instead of mangling it.
    const text = new TextDecoder("utf-8").decode(bytes, { stream: offset + read < opened.size });
    return { text, size: opened.size, truncated: offset + read < opened.size };
  } finally {
    await handle.close();
  }
}
