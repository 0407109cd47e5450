// A patch (`git format-patch` or plain `git diff` output) read into files and hunks for the diff
// view: each line with its kind and its numbers in the old and the new file. Text only: nothing
// here is rendered as HTML, so a patch cannot inject markup into the page.

export type DiffLineKind = "added" | "removed" | "context";

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  oldNumber: number | null;
  newNumber: number | null;
}

export interface DiffHunk {
  /** The "@@ -1,4 +1,5 @@ function name" line. */
  header: string;
  lines: DiffLine[];
}

export interface DiffFile {
  path: string;
  /** Set when the file was renamed, or null. */
  oldPath: string | null;
  status: "added" | "deleted" | "modified" | "renamed";
  binary: boolean;
  added: number;
  removed: number;
  hunks: DiffHunk[];
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

function stripPrefix(name: string): string {
  return name.replace(/^[ab]\//, "");
}

export function parseDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | null = null;
  let hunk: DiffHunk | null = null;
  let oldNumber = 0;
  let newNumber = 0;
  for (const line of text.split("\n")) {
    const start = /^diff --git a\/(.+) b\/(.+)$/.exec(line);
    if (start) {
      file = { path: start[2]!, oldPath: null, status: "modified", binary: false, added: 0, removed: 0, hunks: [] };
      files.push(file);
      hunk = null;
      continue;
    }
    if (!file) continue;
    // format-patch ends with a signature ("-- " then git's version): not part of the last hunk.
    if (line === "-- ") {
      file = null;
      continue;
    }
    const header = HUNK.exec(line);
    if (header) {
      hunk = { header: line, lines: [] };
      file.hunks.push(hunk);
      oldNumber = Number(header[1]);
      newNumber = Number(header[2]);
      continue;
    }
    if (!hunk) {
      if (line.startsWith("new file mode")) file.status = "added";
      else if (line.startsWith("deleted file mode")) file.status = "deleted";
      else if (line.startsWith("rename from ")) {
        file.status = "renamed";
        file.oldPath = line.slice("rename from ".length);
      } else if (line.startsWith("Binary files") || line === "GIT binary patch") file.binary = true;
      else if (line.startsWith("+++ ") && line !== "+++ /dev/null") file.path = stripPrefix(line.slice(4));
      continue;
    }
    if (line.startsWith("+")) {
      hunk.lines.push({ kind: "added", text: line.slice(1), oldNumber: null, newNumber: newNumber++ });
      file.added++;
    } else if (line.startsWith("-")) {
      hunk.lines.push({ kind: "removed", text: line.slice(1), oldNumber: oldNumber++, newNumber: null });
      file.removed++;
    } else if (line.startsWith(" ")) {
      hunk.lines.push({ kind: "context", text: line.slice(1), oldNumber: oldNumber++, newNumber: newNumber++ });
    }
    // "\ No newline at end of file" and blank separators carry no line of either file.
  }
  return files;
}
