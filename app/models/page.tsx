import type { Metadata } from "next";
import { DefaultModelForm } from "@/components/default-model-form";
import { ConnectionTools, ModelConnectionForm } from "@/components/model-connection-form";
import { requireUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { getModelSetup, type ProviderSetup } from "@/lib/models/model-setup";
import type { ModelProviderId } from "@/lib/models/schemas";

export const metadata: Metadata = { title: "Models" };
export const dynamic = "force-dynamic";

const PROVIDER_TEXT: Record<ModelProviderId, { title: string; hint: string }> = {
  openai: { title: "OpenAI", hint: "An API key from platform.openai.com (Responses API)." },
  anthropic: { title: "Anthropic", hint: "An API key from console.anthropic.com (Messages API)." },
  "openai-compatible": { title: "OpenAI-compatible server", hint: "Ollama, vLLM, llama.cpp or another server speaking Chat Completions." },
};

const cardClass = "rounded-xl border border-slate-200 bg-white p-4 shadow-sm";

export default async function ModelsPage() {
  const user = await requireUser();
  if (user.role !== "owner") {
    return <p className="text-slate-700">Baton&rsquo;s owner chooses which models it uses. Ask them to set one up.</p>;
  }
  const setup = await getModelSetup(db(), user.id);
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Models</h1>
        <p className="mt-1 text-sm text-slate-600">
          Which AI models Baton&rsquo;s agent can use. Keys are stored encrypted and never shown again. Changes apply to the next task, no restart needed.
          Without a model, tasks run on the demo model (scripted, no AI).
        </p>
      </div>
      <section className={cardClass} aria-labelledby="default-heading">
        <h2 id="default-heading" className="mb-3 font-semibold">
          Default model
        </h2>
        {setup.models.length === 0 ? (
          <p className="text-sm text-slate-600">Set up a model below; until then, new tasks use the demo model.</p>
        ) : setup.defaultFromEnvironment ? (
          <p className="text-sm text-slate-700">
            <strong className="font-semibold">{setup.models[0]!.label}</strong>: set by the environment ({setup.defaultFromEnvironment}), which takes precedence over this page.
          </p>
        ) : (
          <DefaultModelForm models={setup.models} />
        )}
      </section>
      {setup.providers.map((entry) => (
        <ProviderCard key={entry.provider} entry={entry} />
      ))}
    </div>
  );
}

function ProviderCard({ entry }: { entry: ProviderSetup }) {
  const text = PROVIDER_TEXT[entry.provider];
  const { connection } = entry;
  return (
    <section className={cardClass} aria-labelledby={`${entry.provider}-heading`} data-testid={`provider-${entry.provider}`}>
      <h2 id={`${entry.provider}-heading`} className="font-semibold">
        {text.title}
      </h2>
      <p className="mb-3 text-sm text-slate-600">{text.hint}</p>
      {entry.fromEnvironment ? (
        <div className="space-y-3">
          <p className="rounded-lg bg-slate-100 px-3 py-2 text-sm text-slate-800">
            Set by the environment ({entry.fromEnvironment}). Environment variables take precedence over this page; remove the variable to set it up here.
          </p>
          <ConnectionTools provider={entry.provider} removable={false} />
        </div>
      ) : (
        <>
          {connection && (
            <p className="mb-3 text-sm text-slate-700" data-testid={`${entry.provider}-status`}>
              {connection.baseUrl ? <>Server {connection.baseUrl} · </> : null}
              {connection.models.length === 1 ? `Model ${connection.models[0]}` : `${connection.models.length} models`}
              {connection.keyHint ? <> · key {connection.keyHint}</> : null}
            </p>
          )}
          <ModelConnectionForm
            provider={entry.provider}
            keyHint={connection?.keyHint ?? null}
            baseUrl={connection?.baseUrl ?? null}
            model={connection?.models[0] ?? null}
            saved={connection !== null}
          />
        </>
      )}
    </section>
  );
}
