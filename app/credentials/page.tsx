import type { Metadata } from "next";
import { CredentialForm, DeleteCredentialButton, SshKeyForm } from "@/components/credential-form";
import { currentUserId } from "@/lib/auth/current-user";
import { listCredentials, type CredentialView } from "@/lib/credentials/manage-credentials";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "Credentials" };
export const dynamic = "force-dynamic";

const cardClass = "rounded-xl border border-slate-200 bg-white p-4 shadow-sm";
const chipClass = "rounded-full px-2.5 py-0.5 text-xs font-medium ring-1";

export default async function CredentialsPage() {
  const credentials = await listCredentials(db(), { userId: await currentUserId() });
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Credentials</h1>
        <p className="mt-1 text-sm text-slate-600">
          Sign-ins for websites without an API, used by browser playbooks. Passwords and TOTP secrets are stored encrypted and never shown again; Baton types
          them into the listed sites only, and the model, the timeline and the logs never see them.
        </p>
      </div>
      {credentials.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-center">
          <p className="font-medium">No credentials yet</p>
          <p className="mt-1 text-sm text-slate-600">Add the sign-in of a portal a playbook should use, below.</p>
        </div>
      ) : (
        <ul className="space-y-3">
          {credentials.map((credential) => (
            <li key={credential.id} data-testid="credential-card">
              <CredentialCard credential={credential} />
            </li>
          ))}
        </ul>
      )}
      <section className={cardClass} aria-labelledby="add-credential-heading">
        <h2 id="add-credential-heading" className="mb-3 font-semibold">
          Add a credential
        </h2>
        <CredentialForm />
      </section>
      <section className={cardClass} aria-labelledby="add-ssh-key-heading">
        <h2 id="add-ssh-key-heading" className="font-semibold">
          Add an SSH key (git over SSH)
        </h2>
        <p className="mt-1 mb-3 text-sm text-slate-600">
          For a PR handoff on an ssh:// or git@host: repository. Baton hands the key to git for one clone or push and checks the server against the host key below.
        </p>
        <SshKeyForm />
      </section>
    </div>
  );
}

function CredentialCard({ credential }: { credential: CredentialView }) {
  return (
    <article className={cardClass} aria-label={credential.label}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 dir="auto" className="font-semibold break-words text-slate-900">
            {credential.label}
          </h2>
          <p className="font-mono text-sm break-all text-slate-600">{credential.name}</p>
        </div>
        <div className="flex flex-wrap gap-1.5">
          {credential.hostKey !== null ? (
            <span className={`${chipClass} bg-emerald-50 text-emerald-900 ring-emerald-300`}>SSH key set</span>
          ) : (
            <>
              <span className={`${chipClass} bg-emerald-50 text-emerald-900 ring-emerald-300`}>Password set</span>
              <span className={`${chipClass} ${credential.totpSet ? "bg-emerald-50 text-emerald-900 ring-emerald-300" : "bg-slate-100 text-slate-600 ring-slate-300"}`}>
                {credential.totpSet ? "TOTP set" : "No TOTP"}
              </span>
            </>
          )}
        </div>
      </div>
      {credential.hostKey !== null ? <SshKeyDetails credential={credential} hostKey={credential.hostKey} /> : <SignInDetails credential={credential} />}
    </article>
  );
}

/** An SSH key is replaced by adding it again, so its card offers only Delete. */
function SshKeyDetails({ credential, hostKey }: { credential: CredentialView; hostKey: string }) {
  return (
    <>
      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-slate-500">Server</dt>
        <dd className="min-w-0 break-all text-slate-800">{credential.origins.join(", ")}</dd>
        <dt className="text-slate-500">Host key</dt>
        <dd className="min-w-0 font-mono text-xs break-all text-slate-800">{hostKey}</dd>
      </dl>
      <div className="mt-3">
        <DeleteCredentialButton credential={credential} />
      </div>
    </>
  );
}

function SignInDetails({ credential }: { credential: CredentialView }) {
  return (
    <>
      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-slate-500">User name</dt>
        <dd className="min-w-0 break-all text-slate-800">{credential.username}</dd>
        <dt className="text-slate-500">Sites</dt>
        <dd className="min-w-0 text-slate-800">
          <ul>
            {credential.origins.map((origin) => (
              <li key={origin} className="break-all">
                {origin}
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      <details className="mt-3">
        <summary className="inline-flex min-h-11 cursor-pointer list-none items-center rounded-lg border border-slate-300 bg-white px-4 text-sm font-medium text-slate-700 hover:bg-slate-50 [&::-webkit-details-marker]:hidden">
          Edit
        </summary>
        <div className="mt-3 space-y-4 border-t border-slate-100 pt-3">
          <CredentialForm credential={credential} />
          <DeleteCredentialButton credential={credential} />
        </div>
      </details>
    </>
  );
}
