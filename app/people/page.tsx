import type { Metadata } from "next";
import { InviteForm } from "@/components/invite-form";
import { LocalTime } from "@/components/local-time";
import { requireUser } from "@/lib/auth/current-user";
import { listInvitations } from "@/lib/auth/invitations";
import { db } from "@/lib/db";
import { revokeInvitationAction } from "./actions";

export const metadata: Metadata = { title: "People" };
export const dynamic = "force-dynamic";

export default async function PeoplePage() {
  const user = await requireUser();
  if (user.role !== "owner") {
    return <p className="text-slate-700">Only Baton&rsquo;s owner can invite people. Ask them for an invitation link.</p>;
  }
  const invitations = await listInvitations(db(), user.id);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">People</h1>
        <p className="mt-1 text-sm text-slate-600">Invite someone to their own Baton account on this server. They see only their own tasks.</p>
      </div>
      <section className="rounded-xl border border-slate-200 bg-white px-4 pt-4 shadow-sm">
        <InviteForm />
      </section>
      {invitations.length > 0 && (
        <section className="rounded-xl border border-slate-200 bg-white px-4 shadow-sm" aria-labelledby="invitations-heading">
          <h2 id="invitations-heading" className="pt-4 pb-2 text-sm font-semibold tracking-wide text-slate-500 uppercase">
            Invitations
          </h2>
          <ul className="divide-y divide-slate-100">
            {invitations.map((invitation) => (
              <li key={invitation.id} className="flex items-center justify-between gap-3 py-3">
                <div className="min-w-0">
                  <p className="truncate font-medium">{invitation.email}</p>
                  <p className="text-sm text-slate-500">
                    {invitation.acceptedAt ? (
                      <>Joined <LocalTime iso={invitation.acceptedAt} /></>
                    ) : (
                      <>Expires <LocalTime iso={invitation.expiresAt} /></>
                    )}
                  </p>
                </div>
                {!invitation.acceptedAt && (
                  <form action={revokeInvitationAction.bind(null, invitation.id)}>
                    <button className="inline-flex min-h-11 items-center justify-center rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:text-rose-700">Revoke</button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
