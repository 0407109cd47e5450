"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { Field, FormMessage, inputClass, keepingValues, primaryButtonClass } from "@/components/form-field";
import { goTo, signInWith } from "@/components/credentials-sign-in";
import { clearOfflineCaches } from "@/components/service-worker-registration";

export function SignInForm({ next }: { next?: string }) {
  const [message, setMessage] = useState<string>();
  const [pending, setPending] = useState(false);
  // Whoever signs in next must not find the previous person's pages cached (a session can also
  // end without a sign-out: revoked elsewhere, or expired).
  useEffect(() => void clearOfflineCaches(), []);

  async function submit(form: FormData) {
    setPending(true);
    const refusal = await signInWith("password", { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") });
    if (refusal) {
      setMessage(refusal);
      setPending(false);
    } else goTo(next);
  }

  return (
    <form onSubmit={keepingValues(submit)} className="space-y-5">
      <FormMessage message={message} />
      <Field label="Email" name="email">
        <input id="email" name="email" type="email" autoComplete="username" required className={inputClass} />
      </Field>
      <Field label="Password" name="password">
        <input id="password" name="password" type="password" autoComplete="current-password" required className={inputClass} />
      </Field>
      <button type="submit" disabled={pending} className={primaryButtonClass}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <p className="text-center text-sm text-slate-600">
        Signed in on another device?{" "}
        <Link href="/pair" className="inline-flex min-h-11 items-center font-medium text-indigo-700 hover:underline">
          Pair this one with a code
        </Link>
      </p>
    </form>
  );
}
