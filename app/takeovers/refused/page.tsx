import type { Metadata, Viewport } from "next";
import { TakeoverRefusal } from "@/components/takeover-refusal";
import { isLinkRefusal, refusalMessage } from "@/lib/takeover/takeover-links";

export const metadata: Metadata = { title: "Take over" };
export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// GET /takeovers/refused?why=used - where a refused link lands (the refusal was recorded when it was tried).
export default async function TakeoverRefusedPage({ searchParams }: PageProps<"/takeovers/refused">) {
  const why = (await searchParams).why;
  const refusal = isLinkRefusal(why) ? why : "unknown";
  return <TakeoverRefusal refusal={refusal} message={refusalMessage(refusal)} />;
}
