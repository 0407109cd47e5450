import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { forwardToRelay } from "@/lib/takeover/live-proxy";

export const dynamic = "force-dynamic";

// GET /api/takeovers/:id/frames - the live view's frames (server-sent events) from the worker's page
export const GET = withUser<{ id: string }>(async ({ user, params, request }) =>
  forwardToRelay(db(), { userId: user.id, takeoverId: params.id, path: "frames", init: { signal: request.signal } }),
);
