import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthPanel } from "@/components/auth-panel";
import { SignInForm } from "@/components/sign-in-form";
import { currentUser } from "@/lib/auth/current-user";
import { ownerExists } from "@/lib/auth/owner-setup";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: PageProps<"/sign-in">) {
  const { next, error } = await searchParams;
  if (!(await ownerExists(db()))) redirect("/setup");
  if (await currentUser()) redirect(typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/");
  return (
    <AuthPanel title="Sign in to Baton" intro={error ? <span className="text-rose-700">{String(error)}</span> : undefined}>
      <SignInForm next={typeof next === "string" ? next : undefined} />
    </AuthPanel>
  );
}
