import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { sessionTokenFrom, userForSessionToken, type SessionUser } from "./session";

/** The signed-in user of a page or server action, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const store = await cookies();
  return userForSessionToken(db(), sessionTokenFrom((name) => store.get(name)?.value));
}

/** For pages and server actions: the signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  return user;
}

export async function currentUserId(): Promise<string> {
  return (await requireUser()).id;
}

/** For route handlers: the signed-in user of the request, or a 401. */
export async function requireApiUser(request: Request): Promise<SessionUser> {
  const user = await userForSessionToken(db(), sessionTokenFrom((name) => requestCookie(request, name)));
  if (!user) throw new AppError("UNAUTHORIZED", { message: "Sign in to Baton first." });
  return user;
}

/** A cookie the request carries, read from its header (route handlers run outside Next's cookie store in tests). */
export function requestCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return safeDecode(rest.join("="));
  }
  return undefined;
}

/** A cookie value as sent; a malformed escape ("%zz") is a cookie that signs nobody in, not a 500. */
function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
