import "server-only";
import { cookies, headers } from "next/headers";
import { READER_CLOCK_COOKIE, readerClockFromRequest, type ReaderClock } from "./reader-clock";

/** The clock this request's reader reads times on, and the moment the server renders them. */
export async function requestClock(): Promise<{ clock: ReaderClock; renderedAt: number }> {
  const clock = readerClockFromRequest((await cookies()).get(READER_CLOCK_COOKIE)?.value, (await headers()).get("accept-language"));
  return { clock, renderedAt: Date.now() };
}
