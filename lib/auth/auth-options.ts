// next-auth's configuration. Two ways in, both credentials: a password, or a pairing code from a
// device that is already signed in. Each issues a JWT naming a device row, checked per request.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Db } from "@/lib/db";
import { toAppError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { instanceSecrets } from "@/lib/secrets/instance-secrets";
import { endDeviceSession } from "./devices";
import { redeemPairingCode } from "./pairing";
import { SESSION_MAX_AGE_SECONDS } from "./session";
import { signInWithPassword, type ClientInfo } from "./sign-in";

type RequestHeaders = Record<string, string | string[] | undefined> | undefined;

function clientInfo(headers: RequestHeaders): ClientInfo {
  const header = (name: string) => {
    const value = headers?.[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return { ip: clientIp(header), userAgent: header("user-agent") ?? null };
}

/** The message next-auth hands back to signIn(): the domain's own, never a stack. */
async function authorizeWith(run: () => Promise<{ userId: string; deviceId: string }>) {
  try {
    const { userId, deviceId } = await run();
    return { id: userId, deviceId };
  } catch (error) {
    throw new Error(toAppError(error).message);
  }
}

export async function authOptions(db: Db): Promise<NextAuthOptions> {
  const { authSecret } = await instanceSecrets(db);
  return {
    secret: authSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "password",
        name: "Password",
        credentials: { email: { type: "email" }, password: { type: "password" } },
        authorize: (credentials, request) => authorizeWith(() => signInWithPassword(db, credentials, clientInfo(request.headers))),
      }),
      CredentialsProvider({
        id: "pairing",
        name: "Pairing code",
        credentials: { code: { type: "text" }, deviceName: { type: "text" } },
        authorize: (credentials, request) => authorizeWith(() => redeemPairingCode(db, credentials, clientInfo(request.headers))),
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user && "deviceId" in user) token.deviceId = user.deviceId;
        return token;
      },
    },
    events: {
      // Signing out ends the device's session for good, not just this cookie.
      async signOut({ token }) {
        if (typeof token?.deviceId === "string" && token.sub) await endDeviceSession(db, { userId: token.sub, deviceId: token.deviceId });
      },
    },
  };
}
