import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AccountForm } from "@/components/account-form";
import { AuthPanel } from "@/components/auth-panel";
import { ownerExists } from "@/lib/auth/owner-setup";
import { db } from "@/lib/db";
import { setUpOwnerAction } from "./actions";

export const metadata: Metadata = { title: "Set up" };
export const dynamic = "force-dynamic";

export default async function SetupPage() {
  if (await ownerExists(db())) redirect("/sign-in");
  return (
    <AuthPanel
      title="Welcome to Baton"
      intro="Create the owner's account. You can invite more people and pair your phone once you are in."
    >
      <AccountForm create={setUpOwnerAction} submitLabel="Create account and sign in" />
    </AuthPanel>
  );
}
