// VAPID (RFC 8292): Baton signs every push request with its own key pair, and names a contact the
// push service can reach (the JWT's "sub"). Push services check that contact: Apple's answers
// BadJwtToken for a localhost subject, so a subject no one outside this machine could use is
// refused here, when the configuration is read, instead of on the first notification.
import { isIP } from "node:net";
import webpush from "web-push";
import { z } from "zod";

export interface VapidConfig {
  /** "mailto:ops@example.com" or "https://baton.example.com". */
  subject: string;
  /** Uncompressed P-256 public key (65 bytes), base64url; browsers get it as applicationServerKey. */
  publicKey: string;
  /** P-256 private scalar (32 bytes), base64url. */
  privateKey: string;
}

/** Why a push service would not accept this host as a contact, or null when it is a public domain name. */
function unreachableHostReason(host: string): string | null {
  const name = host.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase();
  if (name === "localhost" || name.endsWith(".localhost")) return `"${name}" is localhost`;
  if (name.endsWith(".local")) return `"${name}" is a local network (mDNS) name`;
  if (isIP(name)) return `"${name}" is an IP address, not a domain name`;
  if (!name.includes(".")) return `"${name}" is not a fully qualified domain name`;
  return null;
}

const MAILTO = /^mailto:([^@\s/?#,]+)@([^@\s/?#,]+)$/i;

export const vapidSubjectSchema = z
  .string()
  .trim()
  .superRefine((subject, ctx) => {
    const fail = (why: string) =>
      ctx.addIssue({
        code: "custom",
        message: `The VAPID subject must be a contact push services can reach (mailto:you@example.com or an https:// URL on a public domain): ${why}. Push services such as Apple's reject localhost and private subjects.`,
      });

    if (/^mailto:/i.test(subject)) {
      const match = MAILTO.exec(subject);
      if (!match) return fail(`"${subject}" is not a single mailto: address`);
      const reason = unreachableHostReason(match[2] ?? "");
      return reason ? fail(reason) : undefined;
    }
    let url: URL;
    try {
      url = new URL(subject);
    } catch {
      return fail(`"${subject}" is neither a mailto: address nor a URL`);
    }
    if (url.protocol !== "https:") return fail(`${url.protocol} URLs are not accepted, only https:`);
    if (url.username || url.password) return fail("the URL must not carry credentials");
    const reason = unreachableHostReason(url.hostname);
    if (reason) fail(reason);
  });

const base64urlKey = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, `The VAPID ${what} must be base64url without padding.`)
    .refine((value) => Buffer.from(value, "base64url").length === bytes, `The VAPID ${what} must decode to ${bytes} bytes.`);

export const vapidConfigSchema = z.object({
  subject: vapidSubjectSchema,
  publicKey: base64urlKey(65, "public key"),
  privateKey: base64urlKey(32, "private key"),
});

/** A fresh VAPID key pair, as base64url strings. */
export function generateVapidKeys(): Pick<VapidConfig, "publicKey" | "privateKey"> {
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  return { publicKey, privateKey };
}
