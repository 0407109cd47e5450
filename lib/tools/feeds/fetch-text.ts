// How the feed and calendar tools reach the network: through a fetcher handed in, so the
// SSRF-guarded HTTP client decides what may be fetched and tests need no network.
import { ToolError, type ToolContext } from "../types";

export interface FetchedText {
  text: string;
  /** The response's Content-Type header, if any. */
  contentType: string | null;
}

export type FetchText = (url: string, context: ToolContext) => Promise<FetchedText>;

/** Fetches through `fetchText`; a failure the fetcher did not already explain becomes a ToolError. */
export async function fetchOrThrow(fetchText: FetchText, url: string, context: ToolContext): Promise<FetchedText> {
  try {
    return await fetchText(url, context);
  } catch (error) {
    if (error instanceof ToolError) throw error;
    throw new ToolError(`Could not fetch from ${hostOf(url)}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** The host of a URL, for one-line summaries: private feed URLs often carry a token in the path. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return "an invalid URL";
  }
}
