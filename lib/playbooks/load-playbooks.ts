// Playbooks are JSON files named after their id, in the repository's playbooks/ folder (reviewed
// with the code) and in ${BATON_DATA_DIR}/playbooks/ (this installation's own). When both hold an
// id, the higher version wins and a tie goes to the data folder, so a local copy can adapt a
// shipped playbook (its origins, say) while a newer shipped version is never hidden by a stale
// copy; the copy that loses is reported. A file that fails to parse or validate is reported with
// its reasons and skipped: one broken file never hides the others or stops Baton.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { playbookIdSchema, type Playbook } from "./schema";
import { parsePlaybook } from "./validate-playbook";

export type PlaybookFolderKind = "repository" | "data";
export interface PlaybookFolders {
  repository: string;
  data: string;
}

export interface LoadedPlaybook {
  playbook: Playbook;
  file: string;
  folder: PlaybookFolderKind;
}

export interface PlaybookProblem {
  file: string;
  errors: string[];
}

export interface PlaybookCatalog {
  /** By id. */
  playbooks: LoadedPlaybook[];
  problems: PlaybookProblem[];
}

const MAX_FILE_BYTES = 256 * 1024;
const FOLDER_ORDER: readonly PlaybookFolderKind[] = ["repository", "data"];

export function defaultPlaybookFolders(): PlaybookFolders {
  return { repository: path.resolve("playbooks"), data: path.resolve(env().BATON_DATA_DIR, "playbooks") };
}

type Candidate = { ok: true; loaded: LoadedPlaybook } | { ok: false; problem: PlaybookProblem } | undefined;

async function readCandidate(folders: PlaybookFolders, folder: PlaybookFolderKind, id: string): Promise<Candidate> {
  const file = path.join(folders[folder], `${id}.json`);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return { ok: false, problem: { file, errors: [`cannot be read: ${(error as Error).message}`] } };
  }
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) return { ok: false, problem: { file, errors: [`is larger than ${MAX_FILE_BYTES / 1024} KB`] } };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: { file, errors: [`is not JSON: ${(error as Error).message}`] } };
  }
  const parsed = parsePlaybook(raw);
  if (!parsed.ok) return { ok: false, problem: { file, errors: parsed.errors } };
  if (parsed.playbook.id !== id) return { ok: false, problem: { file, errors: [`holds the id ${parsed.playbook.id}: name the file ${parsed.playbook.id}.json`] } };
  return { ok: true, loaded: { playbook: parsed.playbook, file, folder } };
}

/** The valid copies of one id, the winner first; the problems of the others. */
async function resolveId(folders: PlaybookFolders, id: string): Promise<{ winner?: LoadedPlaybook; problems: PlaybookProblem[] }> {
  const candidates = await Promise.all(FOLDER_ORDER.map((folder) => readCandidate(folders, folder, id)));
  const problems = candidates.flatMap((candidate) => (candidate && !candidate.ok ? [candidate.problem] : []));
  const valid = candidates.flatMap((candidate) => (candidate?.ok ? [candidate.loaded] : []));
  // FOLDER_ORDER puts the data folder last, so on an equal version it wins.
  const winner = valid.reduce<LoadedPlaybook | undefined>((best, next) => (!best || next.playbook.version >= best.playbook.version ? next : best), undefined);
  for (const loser of valid.filter((candidate) => candidate !== winner)) {
    problems.push({ file: loser.file, errors: [`is ignored: ${winner!.file} has version ${winner!.playbook.version} (this file has ${loser.playbook.version})`] });
  }
  return { winner, problems };
}

async function idsIn(directory: string, problems: PlaybookProblem[]): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") problems.push({ file: directory, errors: [`cannot be read: ${(error as Error).message}`] });
    return [];
  }
  const ids: string[] = [];
  for (const name of names.filter((entry) => entry.endsWith(".json"))) {
    const id = name.slice(0, -".json".length);
    if (playbookIdSchema.safeParse(id).success) ids.push(id);
    else problems.push({ file: path.join(directory, name), errors: ["is not named after a playbook id: use lower-case letters, digits and hyphens, like export-invoices.json"] });
  }
  return ids;
}

export async function listPlaybooks(folders: PlaybookFolders = defaultPlaybookFolders()): Promise<PlaybookCatalog> {
  const problems: PlaybookProblem[] = [];
  const ids = new Set((await Promise.all(FOLDER_ORDER.map((folder) => idsIn(folders[folder], problems)))).flat());
  const resolved = await Promise.all([...ids].sort().map((id) => resolveId(folders, id)));
  return {
    playbooks: resolved.flatMap(({ winner }) => (winner ? [winner] : [])),
    problems: [...problems, ...resolved.flatMap((entry) => entry.problems)],
  };
}

/** The playbook that listPlaybooks would show for this id; NOT_FOUND (with the reasons) when there is no valid one. */
export async function loadPlaybook(id: string, folders: PlaybookFolders = defaultPlaybookFolders()): Promise<LoadedPlaybook> {
  if (!playbookIdSchema.safeParse(id).success) throw new AppError("NOT_FOUND", { message: `There is no playbook ${JSON.stringify(id)}.` });
  const { winner, problems } = await resolveId(folders, id);
  if (winner) return winner;
  const reasons = problems.flatMap((problem) => problem.errors.map((error) => `${problem.file}: ${error}`));
  throw new AppError("NOT_FOUND", { message: [`There is no valid playbook ${id}.`, ...reasons].join("\n") });
}
