"use client";

import { useState, useTransition } from "react";
import { decideApprovalAction, type DecisionFormInput } from "@/app/tasks/actions";
import { failureOf, type ActionFailure } from "@/lib/http/action-result";
import { LocalTime } from "@/components/local-time";
import { CodeChangeSummary } from "@/components/code-change-summary";
import { MailDraft } from "@/components/mail-draft";
import { PlanEditor, PlanView } from "@/components/plan-view";
import type { PendingCodeChange } from "@/lib/code/pending-code-change";
import { RiskBadge } from "@/components/risk-badge";
import type { ApprovalView } from "@/lib/approvals/views";

type Mode = "choose" | "deny" | "edit";

const buttonBase =
  "inline-flex min-h-11 items-center justify-center rounded-lg px-4 py-2 text-sm font-semibold shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-60";
const primary = `${buttonBase} bg-approve text-white hover:bg-emerald-600 focus-visible:outline-emerald-600`;
const danger = `${buttonBase} bg-deny text-white hover:bg-rose-600 focus-visible:outline-rose-600`;
const secondary = `${buttonBase} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 focus-visible:outline-indigo-600`;
const fieldClass =
  "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none aria-[invalid=true]:border-rose-400";

/**
 * A pending tool call, shown exactly as it would run, with the person's three answers: approve,
 * deny (with an optional reason the agent reads) or approve edited arguments. The agent's reason
 * is model output: it is rendered as text, never as markup.
 */
export function ApprovalCard({ approval, codeChange }: { approval: ApprovalView; codeChange?: PendingCodeChange }) {
  const [mode, setMode] = useState<Mode>("choose");
  const [note, setNote] = useState("");
  const argumentsText = JSON.stringify(approval.arguments, null, 2);
  const [draft, setDraft] = useState(argumentsText);
  const [result, setResult] = useState<Partial<ActionFailure>>({});
  const [pending, startTransition] = useTransition();
  const [submitted, setSubmitted] = useState<DecisionFormInput["decision"]>();

  const decide = (input: DecisionFormInput) =>
    startTransition(async () => {
      setSubmitted(input.decision);
      setResult(failureOf(await decideApprovalAction(approval.id, input)));
    });
  const switchTo = (next: Mode) => {
    setResult({});
    setMode(next);
  };
  const fieldErrors = Object.entries(result.fieldErrors ?? {});
  const hasRedacted = argumentsText.includes("[redacted]");
  const isPlan = approval.toolName === "propose_plan";
  const ids = { heading: `approval-${approval.id}-heading`, error: `approval-${approval.id}-error` };
  // Shown beside what it is about: under the field being edited, or under the buttons.
  const errorBox = result.message && (
    <div id={ids.error} role="alert" data-testid="approval-error" className="mt-3 rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-900">
      <p>{result.message}</p>
      {fieldErrors.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {fieldErrors.map(([field, messages]) => (
            <li key={field}>
              {field !== "_" && <span className="font-mono">{field}</span>}
              {field !== "_" && ": "}
              {messages.join(" ")}
            </li>
          ))}
        </ul>
      )}
    </div>
  );

  return (
    <section
      data-testid="approval-card"
      data-approval-id={approval.id}
      aria-labelledby={ids.heading}
      className="overflow-clip rounded-xl border border-amber-300 bg-white shadow-sm ring-4 ring-amber-100"
    >
      <header className="flex items-start justify-between gap-3 border-b border-amber-200 bg-amber-50 px-4 py-3">
        <div className="min-w-0">
          <h2 id={ids.heading} className="font-semibold text-slate-900">
            Approve this action?
          </h2>
          <p className="mt-0.5 text-xs text-slate-700">
            Nothing runs until you decide. Expires <LocalTime iso={approval.expiresAt} />.
          </p>
        </div>
        <RiskBadge risk={approval.risk} />
      </header>

      <dl className="space-y-3 px-4 py-3 text-sm">
        <div className="grid grid-cols-[5rem_1fr] items-baseline gap-2">
          <dt className="text-slate-500">Tool</dt>
          <dd className="font-mono text-slate-900" data-testid="approval-tool">
            {approval.toolName}
          </dd>
        </div>
        <div className="grid grid-cols-[5rem_1fr] items-baseline gap-2">
          <dt className="text-slate-500">Target</dt>
          <dd className="font-mono break-all text-slate-900" data-testid="approval-target">
            {approval.target}
          </dd>
        </div>
        {approval.screenshotUrl && (
          <div>
            <dt className="text-slate-500">The page now</dt>
            <dd className="mt-1">
              {/* A preview a phone can take in at a glance; tap it for the full picture. */}
              <a href={approval.screenshotUrl} target="_blank" rel="noopener" className="block">
                {/* eslint-disable-next-line @next/next/no-img-element -- an artifact behind the owner's session, not a static asset */}
                <img
                  src={approval.screenshotUrl}
                  alt="The page as it is, before this step"
                  data-testid="approval-screenshot"
                  className="max-h-72 w-full rounded-lg border border-slate-200 object-contain object-top"
                />
              </a>
            </dd>
          </div>
        )}
        {approval.toolName === "send_mail" && <MailDraft args={approval.arguments} />}
        {codeChange && <CodeChangeSummary change={codeChange} />}
        {isPlan && <PlanView args={approval.arguments} />}
        <div>
          <dt className="text-slate-500">Arguments</dt>
          <dd className="mt-1">
            <pre
              tabIndex={0}
              aria-label="Arguments as JSON"
              data-testid="approval-arguments"
              className="code-block max-h-40 overflow-auto rounded-lg p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap wrap-anywhere sm:max-h-64 focus-visible:outline-2 focus-visible:outline-indigo-500"
            >
              {argumentsText}
            </pre>
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">The agent&apos;s reason</dt>
          <dd className="mt-1">
            <p dir="auto" data-testid="approval-reason" className="rounded-lg border border-slate-200 bg-slate-50 px-3 py-2 whitespace-pre-wrap break-words text-slate-800">
              {approval.reason}
            </p>
            <p className="mt-1 text-xs text-slate-500">In the agent&apos;s own words: check it against the arguments above.</p>
          </dd>
        </div>
      </dl>

      {/* However long the card, the decision stays on screen: on a phone, just above the tab bar (min-h-14 and its border). */}
      <div className="sticky bottom-[calc(3.5rem+1px+env(safe-area-inset-bottom))] z-10 border-t border-slate-100 bg-white px-4 py-3 lg:bottom-0">
        {mode === "choose" && (
          <div className="grid grid-cols-2 gap-2 sm:flex sm:flex-wrap">
            <button type="button" className={primary} disabled={pending} onClick={() => decide({ decision: "approve" })}>
              {pending && submitted === "approve" ? "Approving…" : "Approve"}
            </button>
            <button type="button" className={secondary} disabled={pending} onClick={() => switchTo("deny")}>
              Deny
            </button>
            <button type="button" className={`${secondary} col-span-2 sm:ml-auto`} disabled={pending} onClick={() => switchTo("edit")}>
              {isPlan ? "Edit plan" : "Edit arguments"}
            </button>
          </div>
        )}

        {mode === "deny" && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              decide({ decision: "deny", note });
            }}
          >
            <label htmlFor={`deny-note-${approval.id}`} className="text-sm font-medium text-slate-800">
              Reason <span className="font-normal text-slate-500">(optional)</span>
            </label>
            <textarea
              id={`deny-note-${approval.id}`}
              rows={2}
              autoFocus
              maxLength={2000}
              dir="auto"
              value={note}
              onChange={(event) => setNote(event.target.value)}
              aria-describedby={result.message ? `deny-note-hint-${approval.id} ${ids.error}` : `deny-note-hint-${approval.id}`}
              placeholder="e.g. Don't post anything; just draft it."
              className={fieldClass}
            />
            <p id={`deny-note-hint-${approval.id}`} className="mt-1 text-xs text-slate-500">
              The agent reads this and carries on without the action.
            </p>
            {errorBox}
            <div className="mt-3 flex gap-2">
              <button type="submit" className={`${danger} flex-1 sm:flex-none`} disabled={pending}>
                {pending ? "Denying…" : "Deny"}
              </button>
              <button type="button" className={secondary} disabled={pending} onClick={() => switchTo("choose")}>
                Back
              </button>
            </div>
          </form>
        )}

        {mode === "edit" && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              decide({ decision: "approve", argumentsJson: draft });
            }}
          >
            {isPlan ? (
              <PlanEditor id={approval.id} args={approval.arguments} onChange={setDraft} />
            ) : (
              <>
                <label htmlFor={`edit-arguments-${approval.id}`} className="text-sm font-medium text-slate-800">
                  Arguments (JSON)
                </label>
                <textarea
                  id={`edit-arguments-${approval.id}`}
                  rows={Math.min(14, Math.max(5, draft.split("\n").length + 1))}
                  autoFocus
                  spellCheck={false}
                  autoCapitalize="off"
                  autoCorrect="off"
                  value={draft}
                  onChange={(event) => setDraft(event.target.value)}
                  aria-invalid={Boolean(result.message)}
                  aria-describedby={result.message ? `edit-arguments-hint-${approval.id} ${ids.error}` : `edit-arguments-hint-${approval.id}`}
                  className={`${fieldClass} font-mono text-sm`}
                />
                <p id={`edit-arguments-hint-${approval.id}`} className="mt-1 text-xs text-slate-500">
                  Checked against the tool&apos;s rules before anything runs.
                  {hasRedacted && " Values shown as [redacted] were hidden from this page: type the real value or they are sent as written."}
                </p>
              </>
            )}
            {errorBox}
            <div className="mt-3 flex gap-2">
              <button type="submit" className={`${primary} flex-1 sm:flex-none`} disabled={pending}>
                {pending ? "Approving…" : "Approve with edits"}
              </button>
              <button
                type="button"
                className={secondary}
                disabled={pending}
                onClick={() => {
                  setDraft(argumentsText);
                  switchTo("choose");
                }}
              >
                Cancel
              </button>
            </div>
          </form>
        )}

        {mode === "choose" && errorBox}
      </div>
    </section>
  );
}
