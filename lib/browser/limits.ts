// What one browser run may consume. A limit reached stops the whole session: the context closes and
// every call waiting on it fails with a BrowserLimitError that says which limit and how much.
export interface BrowserLimits {
  /** Wall time from open to close. */
  maxRunMs: number;
  /** Tabs and popups the run may open, the first included. */
  maxPages: number;
  /** Bytes received from all servers (bodies and headers, as they arrive at the proxy). */
  maxBytes: number;
  /** Size of any one downloaded file. */
  maxDownloadBytes: number;
}

export const DEFAULT_BROWSER_LIMITS: BrowserLimits = {
  maxRunMs: 5 * 60_000,
  maxPages: 10,
  maxBytes: 50 * 1024 * 1024,
  maxDownloadBytes: 20 * 1024 * 1024,
};

export type BrowserLimitName = "run time" | "pages" | "bytes" | "download size";

export class BrowserLimitError extends Error {
  readonly limit: BrowserLimitName;

  constructor(limit: BrowserLimitName, message: string) {
    super(message);
    this.name = "BrowserLimitError";
    this.limit = limit;
  }
}
