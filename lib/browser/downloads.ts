// Downloads land in the task's workspace (downloads/ inside it), under a cleaned-up version of the
// name the server suggested, never overwriting an earlier file. Chromium first writes the file to
// its own temporary folder (bounded by the run's byte limit); the copy into the workspace stops at
// the per-file cap.
import { createWriteStream } from "node:fs";
import { mkdir, open, unlink } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Download } from "playwright-core";

export interface DownloadedFile {
  /** Absolute path of the saved file. */
  path: string;
  /** Relative to the workspace, e.g. "downloads/invoices-2026-11.csv". */
  relativePath: string;
  suggestedFilename: string;
  url: string;
  bytes: number;
}

export class DownloadTooLargeError extends Error {}

function safeName(suggested: string): string {
  const base = path.basename(suggested).replace(/[^\w.-]+/g, "_").replace(/^\.+/, "");
  return base.slice(0, 120) || "download";
}

/** Creates the file exclusively: "report.csv", then "report-2.csv", and so on. */
async function claimFile(folder: string, name: string): Promise<string> {
  const extension = path.extname(name);
  const stem = name.slice(0, name.length - extension.length);
  for (let attempt = 1; ; attempt++) {
    const candidate = path.join(folder, attempt === 1 ? name : `${stem}-${attempt}${extension}`);
    try {
      await (await open(candidate, "wx")).close();
      return candidate;
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
    }
  }
}

export async function saveDownload(download: Download, workspaceDir: string, maxBytes: number): Promise<DownloadedFile> {
  const folder = path.join(workspaceDir, "downloads");
  await mkdir(folder, { recursive: true });
  const target = await claimFile(folder, safeName(download.suggestedFilename()));
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) callback(new DownloadTooLargeError(`The download ${download.suggestedFilename()} is larger than ${maxBytes} bytes.`));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(await download.createReadStream(), counter, createWriteStream(target));
  } catch (error) {
    await unlink(target).catch(() => undefined);
    throw error;
  }
  return {
    path: target,
    relativePath: path.relative(workspaceDir, target).split(path.sep).join("/"),
    suggestedFilename: download.suggestedFilename(),
    url: download.url(),
    bytes,
  };
}
