import { configuredModel } from "@/lib/agent/providers/registry";

/** Says plainly when no model is configured, and what the demo model is. */
export function ModelNotice() {
  if (configuredModel()) return null;
  return (
    <div role="note" className="mb-4 rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      <p className="font-semibold">No AI model is configured.</p>
      <p className="mt-1">
        Tasks run on the <strong>demo model</strong>: a scripted stand-in, not an AI, so you can watch the whole flow. To get real
        answers, set <code className="rounded bg-amber-100 px-1">OPENAI_API_KEY</code> (or an OpenAI-compatible server with{" "}
        <code className="rounded bg-amber-100 px-1">OPENAI_BASE_URL</code>) and restart Baton.
      </p>
    </div>
  );
}
