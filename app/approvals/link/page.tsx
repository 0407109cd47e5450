import type { Metadata } from "next";
import Link from "next/link";
import { ApprovalLinkForm } from "@/components/approval-link-form";
import { verifySignature } from "@/lib/approvals/approval-tokens";
import { db } from "@/lib/db";
import { instanceSecrets } from "@/lib/secrets/instance-secrets";

export const metadata: Metadata = { title: "Decide" };
export const dynamic = "force-dynamic";

// GET /approvals/link?token=… - where an approval mail's Approve / Deny link leads. Opening it
// decides nothing (mail scanners open links); the button does, once.
export default async function ApprovalLinkPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).token;
  const token = typeof raw === "string" ? raw : "";
  const { authSecret } = await instanceSecrets(db());
  const claims = token.length >= 10 && token.length <= 1024 ? verifySignature(authSecret, token) : null;
  const approval = claims
    ? await db().approval.findUnique({ where: { id: claims.approvalId }, select: { toolName: true, target: true, status: true, task: { select: { id: true, title: true } } } })
    : null;
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">{claims ? (claims.decision === "approve" ? "Approve this request?" : "Deny this request?") : "This link is not valid"}</h1>
      {claims && approval ? (
        <div className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          <p dir="auto" className="font-medium text-slate-900">
            {approval.task.title}
          </p>
          <p className="font-mono text-sm break-all text-slate-700">
            {approval.toolName}: {approval.target}
          </p>
          {approval.status === "pending" ? (
            <ApprovalLinkForm token={token} decision={claims.decision} />
          ) : (
            <p className="text-sm text-slate-600">This request is already {approval.status}.</p>
          )}
          <p className="text-sm text-slate-500">
            To see the arguments first, <Link href={`/tasks/${approval.task.id}`} className="text-indigo-700 underline">open the task</Link>.
          </p>
        </div>
      ) : (
        <p className="text-sm text-slate-600">Open Baton to decide.</p>
      )}
    </div>
  );
}
