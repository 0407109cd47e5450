// How the demo model reads a task: which of its walk-throughs a request asks for, which URLs it
// names (and in what role), and how a follow-up asks to change the answer. Keyword rules, plainly:
// the demo model is a script, not an AI.

export type DemoIntent = "brief" | "metrics" | "send" | "delete" | "help";
export type DemoStyle = "normal" | "shorter" | "table" | "longer";

/** Sentences that say what not to do ("Do not send anything anywhere.") are not requests. */
function withoutNegations(text: string): string {
  return text
    .split(/(?<=[.!?])\s+|\n/)
    .filter((sentence) => !/\b(do not|don't|never|no need to|without)\b/i.test(sentence))
    .join("\n");
}

export function intentOf(text: string): DemoIntent | null {
  const request = withoutNegations(text).toLowerCase();
  if (/\b(metrics?|kpis?|csv|spreadsheet)\b/.test(request)) return "metrics";
  if (/\b(delete|remove)\b/.test(request)) return "delete";
  if (/\b(send|post|notify|publish|announce)\b/.test(request)) return "send";
  if (/\b(brief|briefing|news|headlines|calendar|agenda|feeds?)\b/.test(request)) return "brief";
  return null;
}

export function styleOf(text: string): DemoStyle | null {
  const request = text.toLowerCase();
  if (/\btable\b/.test(request)) return "table";
  if (/\b(shorter|short|concise|tl;?dr|briefer|one line)\b/.test(request)) return "shorter";
  if (/\b(longer|more detail|detailed|expand|elaborate)\b/.test(request)) return "longer";
  return null;
}

export interface NamedUrl {
  url: string;
  /** The line it was on, lower case: "POST the summary to …" makes it a destination. */
  line: string;
}

const URL_PATTERN = /\b(?:https?|webcal):\/\/[^\s<>"'`)\]]+/g;

export function urlsIn(text: string): NamedUrl[] {
  return withoutNegations(text)
    .split("\n")
    .flatMap((line) => [...line.matchAll(URL_PATTERN)].map((match) => ({ url: match[0].replace(/[.,;:!?]+$/, ""), line: line.toLowerCase() })));
}

export const isCalendarUrl = ({ url, line }: NamedUrl) => /\.ics(\?|$)|^webcal:|calendar/i.test(url) || line.includes("read_calendar");
export const isDestinationUrl = ({ url, line }: NamedUrl) => /\b(post|send|notify|webhook|destination)\b/.test(line) || /\/sink\b|\/hooks?\//.test(url);

/** The words to send: the first quoted passage, else the request's first line. */
export function messageIn(text: string): string {
  const quoted = /["“«]([^"”»]{1,500})["”»]/.exec(text)?.[1];
  return (quoted ?? text.split("\n").find((line) => line.trim() !== "") ?? text).trim().slice(0, 500);
}
