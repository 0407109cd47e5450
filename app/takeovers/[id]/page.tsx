import type { Metadata, Viewport } from "next";
import { cookies } from "next/headers";
import { TakeoverRefusal } from "@/components/takeover-refusal";
import { TakeoverView } from "@/components/takeover-view";
import { requireUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordTakeoverRefusal, refusalMessage } from "@/lib/takeover/takeover-links";
import { heldTakeoverOrThrow, takeoverCookieName } from "@/lib/takeover/takeover-session";
import { isId } from "@/lib/validation/ids";

export const metadata: Metadata = { title: "Take over" };
export const viewport: Viewport = { width: "device-width", initialScale: 1, maximumScale: 1 };
export const dynamic = "force-dynamic";

// GET /takeovers/:id - the live view, for the browser that redeemed the link (a reload comes back here).
export default async function LiveTakeoverPage({ params }: PageProps<"/takeovers/[id]">) {
  const { id } = await params;
  const user = await requireUser();
  const cookie = isId(id) ? (await cookies()).get(takeoverCookieName(id))?.value : undefined;
  const held = isId(id)
    ? await heldTakeoverOrThrow(db(), { userId: user.id, takeoverId: id, cookie }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === "NOT_FOUND") return null;
        throw error;
      })
    : null;
  if (held) return <TakeoverView takeoverId={held.id} taskId={held.taskId} reason={held.reason} />;

  const takeover = isId(id) ? await db().takeover.findFirst({ where: { id, userId: user.id }, select: { id: true, taskId: true, runId: true, status: true } }) : null;
  if (takeover?.status !== "active") return <TakeoverRefusal refusal="not-waiting" message={refusalMessage("not-waiting")} />;
  // The owner, signed in, but not on the browser that opened the link: worth a line on the timeline.
  await recordTakeoverRefusal(db(), { refusal: "elsewhere", userId: user.id, subject: takeover.id, takeover });
  return <TakeoverRefusal refusal="elsewhere" message={refusalMessage("elsewhere")} />;
}
