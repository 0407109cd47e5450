// What the runtime refused, kept in order so the timeline can show each refusal with its reason.
export interface BrowserRefusal {
  url: string;
  reason: string;
  at: Date;
}

/** Thrown by session.goto when the runtime itself is asked to go somewhere it may not. */
export class BrowserRefusedError extends Error {
  readonly url: string;
  readonly reason: string;

  constructor(url: string, reason: string) {
    super(`Refused to open ${url}: ${reason}`);
    this.name = "BrowserRefusedError";
    this.url = url;
    this.reason = reason;
  }
}
