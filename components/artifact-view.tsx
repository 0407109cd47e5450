import { CsvTable } from "@/components/csv-table";
import { DiffView } from "@/components/diff-view";
import { formatBytes } from "@/lib/artifacts/save-artifact";
import { renderMarkdown } from "@/lib/artifacts/render-markdown";
import type { ArtifactView as Artifact } from "@/lib/tasks/views";

/** The artifact's content (sanitized markdown, a CSV table, a patch as a diff) and a download link. */
export function ArtifactView({ artifact, content }: { artifact: Artifact; content: string | null }) {
  return (
    <article className="rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="artifact">
      <header className="flex items-center justify-between gap-3 border-b border-slate-100 py-0.5 pr-4 pl-4">
        <p className="min-w-0 truncate text-sm font-medium text-slate-700">
          {artifact.name} <span className="font-normal text-slate-500">· {formatBytes(artifact.sizeBytes)}</span>
        </p>
        <a href={artifact.url} download className="-mr-2 inline-flex min-h-11 shrink-0 items-center rounded-lg px-2 text-sm font-medium text-indigo-700 hover:underline">
          Download
        </a>
      </header>
      {content !== null && artifact.kind === "csv" && <CsvTable text={content} />}
      {content !== null && artifact.kind === "patch" && <DiffView patch={content} />}
      {content !== null && artifact.kind === "markdown" && (
        // Sanitized by renderMarkdown: an allowlist with no scripts, handlers, styles or images.
        <div dir="auto" className="artifact-markdown px-4 py-3" dangerouslySetInnerHTML={{ __html: renderMarkdown(content) }} />
      )}
    </article>
  );
}
