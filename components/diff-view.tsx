import { parseDiff, type DiffFile, type DiffLine } from "@/lib/code/parse-diff";

// Colours come from the palette's variables (globals.css remaps them in dark mode), never `dark:`.
const LINE_CLASS: Record<DiffLine["kind"], string> = {
  added: "bg-emerald-50 text-emerald-900",
  removed: "bg-rose-50 text-rose-900",
  context: "text-slate-700",
};
const SIGN: Record<DiffLine["kind"], string> = { added: "+", removed: "−", context: " " };

/** A patch as files and hunks, one scrollable block per file so a long line never widens the page. */
export function DiffView({ patch }: { patch: string }) {
  const files = parseDiff(patch);
  if (files.length === 0) return <p className="px-4 py-3 text-sm text-slate-600">This patch changes no files.</p>;
  const added = files.reduce((sum, file) => sum + file.added, 0);
  const removed = files.reduce((sum, file) => sum + file.removed, 0);
  return (
    <div data-testid="diff-view" className="space-y-3 px-3 py-3 sm:px-4">
      <p className="text-sm text-slate-600">
        {files.length} file{files.length === 1 ? "" : "s"} changed, <span className="font-medium text-emerald-800">+{added}</span> <span className="font-medium text-rose-800">−{removed}</span>
      </p>
      {files.map((file, index) => (
        <DiffFileView key={`${file.path}-${index}`} file={file} />
      ))}
    </div>
  );
}

function DiffFileView({ file }: { file: DiffFile }) {
  const what = file.status === "renamed" ? `renamed from ${file.oldPath}` : file.status === "modified" ? null : file.status;
  return (
    <section className="overflow-hidden rounded-lg border border-slate-200" aria-label={`Changes to ${file.path}`}>
      <header className="flex flex-wrap items-baseline justify-between gap-x-3 border-b border-slate-200 bg-slate-50 px-3 py-2">
        <h4 className="min-w-0 font-mono text-sm break-all text-slate-900">{file.path}</h4>
        <p className="text-xs text-slate-600">
          {what && <span className="mr-2">{what}</span>}
          <span className="text-emerald-800">+{file.added}</span> <span className="text-rose-800">−{file.removed}</span>
        </p>
      </header>
      {file.binary ? (
        <p className="px-3 py-2 text-sm text-slate-600">A binary file: download the patch to see it.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full border-collapse font-mono text-xs leading-5">
            {file.hunks.map((hunk, hunkIndex) => (
              <tbody key={hunkIndex}>
                <tr>
                  <td colSpan={3} className="bg-slate-100 px-3 py-1 whitespace-pre text-slate-600">
                    {hunk.header}
                  </td>
                </tr>
                {hunk.lines.map((line, lineIndex) => (
                  <tr key={lineIndex} className={LINE_CLASS[line.kind]}>
                    <td className="w-px px-2 text-right text-slate-500 select-none tabular-nums">{line.oldNumber ?? ""}</td>
                    <td className="w-px px-2 text-right text-slate-500 select-none tabular-nums">{line.newNumber ?? ""}</td>
                    <td className="pr-3 whitespace-pre">
                      <span className="select-none" aria-label={line.kind === "context" ? undefined : line.kind}>
                        {SIGN[line.kind]}{" "}
                      </span>
                      {line.text}
                    </td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}
    </section>
  );
}
