// What the Mail page and its actions accept. Messages never quote the password: field errors travel
// back to the browser and into logs.
import { z } from "zod";
import { notificationKinds } from "@/lib/push/notification-request";

export const mailSecurities = ["tls", "starttls", "none"] as const;
export type MailSecurity = (typeof mailSecurities)[number];

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const host = (what: string) =>
  z
    .string({ message: `Enter the ${what} server's host name, e.g. mail.example.com.` })
    .trim()
    .min(1, `Enter the ${what} server's host name, e.g. mail.example.com.`)
    .max(253, "A host name is at most 253 characters.")
    .regex(/^[A-Za-z0-9.:[\]-]+$/, "Enter just the host name, e.g. mail.example.com (no scheme, no path).");

const port = z.coerce.number({ message: "Enter a port number." }).int("Enter a whole port number.").min(1, "Ports go from 1 to 65535.").max(65535, "Ports go from 1 to 65535.");

const security = z.enum(mailSecurities, { message: "Choose TLS, STARTTLS or none." });

/** A form's checkboxes send each checked kind under one name; JSON sends a list. */
const kindList = (value: unknown) => (value === undefined ? [] : typeof value === "string" ? [value] : value);

const mailboxFields = {
  address: z.email({ message: "Enter your mail address, e.g. me@example.com." }).trim().max(320),
  username: z.string({ message: "Enter the user name you sign in to the mail server with." }).trim().min(1, "Enter the user name you sign in to the mail server with.").max(320),
  imapHost: host("IMAP"),
  imapPort: port,
  imapSecurity: security,
  smtpHost: host("SMTP"),
  smtpPort: port,
  smtpSecurity: security,
  noticeKinds: z.preprocess(kindList, z.array(z.enum(notificationKinds)).max(notificationKinds.length).transform((kinds) => [...new Set(kinds)])),
};

// Passwords are kept exactly as typed.
const password = z.string().max(1000, "Keep the password under 1,000 characters.");

/** A first save needs the password; later ones keep the stored one when the field is left blank. */
export const saveMailboxInput = z.object({ ...mailboxFields, password: z.preprocess(blankToUndefined, password.optional()) });
export type SaveMailboxInput = z.infer<typeof saveMailboxInput>;
