// Which new mail a mail trigger acts on: each condition set must hold, "contains" ignores case and
// Unicode normalisation, and an empty condition matches anything.
import { describe, expect, it } from "vitest";
import { describeMailFilter, matchesMailFilter, type MailFilter } from "@/lib/triggers/mail-filter";
import { triggerInput } from "@/lib/triggers/schemas";

const any: MailFilter = { from: null, subject: null, unreadOnly: false };
const invoice = { from: "Acme Billing <billing@acme.test>", subject: "INVOICE #42 for November", unread: true };

describe("matchesMailFilter", () => {
  it("an empty filter takes every mail, read or not", () => {
    expect(matchesMailFilter(any, invoice)).toBe(true);
    expect(matchesMailFilter({ from: "  ", subject: "", unreadOnly: false }, { ...invoice, unread: false })).toBe(true);
  });

  it("from matches part of the name or the address, in any case", () => {
    expect(matchesMailFilter({ ...any, from: "billing@acme" }, invoice)).toBe(true);
    expect(matchesMailFilter({ ...any, from: "ACME billing" }, invoice)).toBe(true);
    expect(matchesMailFilter({ ...any, from: "billing@other" }, invoice)).toBe(false);
  });

  it("subject contains is case-insensitive and compares normalised Unicode", () => {
    expect(matchesMailFilter({ ...any, subject: "invoice" }, invoice)).toBe(true);
    expect(matchesMailFilter({ ...any, subject: "receipt" }, invoice)).toBe(false);
    // "é" composed in the filter, decomposed (e + combining acute) in the mail.
    expect(matchesMailFilter({ ...any, subject: "Relevé" }, { ...invoice, subject: "Votre releve\u0301 de compte" })).toBe(true);
  });

  it("unread only refuses a mail already read; every condition must hold", () => {
    expect(matchesMailFilter({ ...any, unreadOnly: true }, { ...invoice, unread: false })).toBe(false);
    expect(matchesMailFilter({ from: "billing@acme", subject: "invoice", unreadOnly: true }, invoice)).toBe(true);
    expect(matchesMailFilter({ from: "billing@acme", subject: "lunch", unreadOnly: true }, invoice)).toBe(false);
  });

  it("says what it takes, for the triggers page", () => {
    expect(describeMailFilter(any)).toBe("any mail");
    expect(describeMailFilter({ from: "billing@acme", subject: "invoice", unreadOnly: true })).toBe("from “billing@acme”, subject containing “invoice”, unread");
  });
});

describe("the mail trigger's input", () => {
  it("defaults to INBOX and all mail; a form's checkbox and blank fields mean what they say", () => {
    const parsed = triggerInput.parse({ kind: "mail", name: "Mail", prompt: "Sort it", mailFrom: "", mailSubject: "  ", mailUnreadOnly: "on" });
    expect(parsed).toMatchObject({ kind: "mail", mailFolder: "INBOX", mailUnreadOnly: true, pollIntervalSeconds: 300 });
    expect(parsed).toMatchObject({ mailFrom: undefined });
    expect(triggerInput.parse({ kind: "mail", name: "Mail", prompt: "Sort it", mailFolder: "Clients/Acme", mailUnreadOnly: false })).toMatchObject({ mailFolder: "Clients/Acme", mailUnreadOnly: false });
  });

  it("refuses polling more than once a minute and an overlong filter", () => {
    const result = triggerInput.safeParse({ kind: "mail", name: "Mail", prompt: "Sort it", pollIntervalSeconds: 10, mailSubject: "x".repeat(201) });
    expect(result.success).toBe(false);
    const fields = result.error?.issues.map((issue) => issue.path.join("."));
    expect(fields).toEqual(expect.arrayContaining(["pollIntervalSeconds", "mailSubject"]));
  });
});
