"use client";

import { signIn } from "next-auth/react";

/**
 * Signs this browser in through next-auth and returns the reason when refused. next-auth reports
 * the refusal as an `error` query parameter on the URL it would have redirected to.
 */
export async function signInWith(provider: "password" | "pairing", fields: Record<string, string>): Promise<string | null> {
  const result = await signIn(provider, { ...fields, redirect: false });
  if (result?.ok && !result.error) return null;
  if (!result) return "Could not reach Baton. Check your connection and try again.";
  return result.error === "CredentialsSignin" ? "That did not work. Check what you typed and try again." : result.error;
}

/** After sign-in, a full page load: the server renders the signed-in app from scratch. */
export function goTo(path: string | null | undefined): void {
  const safe = path && path.startsWith("/") && !path.startsWith("//") ? path : "/";
  window.location.assign(safe);
}
