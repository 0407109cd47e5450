// How the feed and calendar tools reach the network: through a fetcher handed in, so the
// SSRF-guarded HTTP client decides what may be fetched and tests need no network.
import { ToolError, type ToolContext } from "../types";

/** What a fetcher may hand back: at most this many bytes; a larger body is refused, not cut. */
export const MAX_FETCHED_BYTES = 10 * 1024 * 1024;

export interface FetchedText {
  /** The body decoded in the charset the Content-Type names, else UTF-8. */
  text: string;
  /** The body as sent, when the fetcher has it: XML names its own encoding, so read_feed decodes it itself. */
  bytes?: Uint8Array;
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
