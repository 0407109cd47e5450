import { z } from "zod";

// Only what send_mail's own schema allows is shown; anything else falls back to the JSON above.
const draftSchema = z.object({ to: z.array(z.string()), cc: z.array(z.string()).optional(), subject: z.string(), body: z.string() });

/** send_mail's draft as the mail it will be, on the approval card: recipients, subject, body as text. */
export function MailDraft({ args }: { args: unknown }) {
  const parsed = draftSchema.safeParse(args);
  if (!parsed.success) return null;
  const { to, cc, subject, body } = parsed.data;
  return (
    <div data-testid="mail-draft">
      <dt className="text-slate-500">The mail</dt>
      <dd className="mt-1 rounded-lg border border-slate-200 bg-white text-slate-900">
        <dl className="grid grid-cols-[4rem_1fr] gap-x-2 gap-y-0.5 border-b border-slate-100 px-3 py-2">
          <dt className="text-slate-500">To</dt>
          <dd className="break-all">{to.join(", ")}</dd>
          {cc?.length ? (
            <>
              <dt className="text-slate-500">Cc</dt>
              <dd className="break-all">{cc.join(", ")}</dd>
            </>
          ) : null}
          <dt className="text-slate-500">Subject</dt>
          <dd dir="auto" className="font-medium break-words">
            {subject}
          </dd>
        </dl>
        <p dir="auto" className="max-h-64 overflow-auto px-3 py-2 whitespace-pre-wrap break-words">
          {body}
        </p>
      </dd>
    </div>
  );
}
