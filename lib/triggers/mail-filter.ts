// Which new mail a mail trigger acts on: every condition set must hold; an empty one matches any
// mail. "Contains" is case-insensitive and compares Unicode-normalised text, so "Invoice" matches
// "INVOICE #12" and a decomposed "é" matches a composed one. Decided here rather than by the IMAP
// server's SEARCH, whose matching (charset, substring or word) differs from server to server.
export interface MailFilter {
  from: string | null;
  subject: string | null;
  unreadOnly: boolean;
}

export interface MailFacts {
  /** "Name <address>, …" as the envelope gives it. */
  from: string;
  subject: string;
  unread: boolean;
}

const fold = (text: string) => text.normalize("NFKC").toLocaleLowerCase("en-US").trim();

function contains(haystack: string, needle: string | null): boolean {
  if (!needle || !needle.trim()) return true;
  return fold(haystack).includes(fold(needle));
}

export function matchesMailFilter(filter: MailFilter, mail: MailFacts): boolean {
  if (filter.unreadOnly && !mail.unread) return false;
  return contains(mail.from, filter.from) && contains(mail.subject, filter.subject);
}

/** The filter in words, for the triggers page. */
export function describeMailFilter(filter: MailFilter): string {
  const parts = [
    filter.from?.trim() ? `from “${filter.from.trim()}”` : null,
    filter.subject?.trim() ? `subject containing “${filter.subject.trim()}”` : null,
    filter.unreadOnly ? "unread" : null,
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "any mail";
}
