import type { Metadata } from "next";
import Link from "next/link";
import { AccountForm } from "@/components/account-form";
import { AuthPanel } from "@/components/auth-panel";
import { findOpenInvitation } from "@/lib/auth/invitations";
import { db } from "@/lib/db";
import { acceptInvitationAction } from "./actions";

export const metadata: Metadata = { title: "Join Baton" };
export const dynamic = "force-dynamic";

export default async function InvitationPage({ params }: PageProps<"/invite/[token]">) {
  const { token } = await params;
  const invitation = await findOpenInvitation(db(), token);
  if (!invitation) {
    return (
      <AuthPanel title="This invitation cannot be used">
        <p className="text-sm text-slate-700">It has expired, was revoked, or was already used. Ask Baton&rsquo;s owner for a new link.</p>
        <Link href="/sign-in" className="mt-2 inline-flex min-h-11 items-center text-sm font-medium text-indigo-700 hover:underline">
          Sign in instead
        </Link>
      </AuthPanel>
    );
  }
  return (
    <AuthPanel title="Join Baton" intro="Choose your name and a password. Your tasks are yours alone.">
      <AccountForm create={acceptInvitationAction.bind(null, token)} fixedEmail={invitation.email} submitLabel="Create account and sign in" />
    </AuthPanel>
  );
}
