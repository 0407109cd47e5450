// GET, PUT, POST /api/inngest - the Inngest server's way in: GET answers its introspection, PUT
// syncs the functions, POST runs a step of one. Outside dev mode (INNGEST_DEV) the SDK refuses any
// request not signed with INNGEST_SIGNING_KEY. Off (404) unless BATON_ENGINE=inngest.
import type { NextRequest } from "next/server";
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";
import { inngestSettings } from "@/lib/engine/inngest/settings";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

const handler = serve({ client: inngest, functions });

type Handler = (request: NextRequest, context: unknown) => Promise<Response>;

function whenEnabled(serveMethod: Handler): Handler {
  return async (request, context) => {
    if (env().BATON_ENGINE !== "inngest") return errorResponse(new AppError("NOT_FOUND", { message: "The Inngest engine is off here (BATON_ENGINE=dbos)." }));
    try {
      inngestSettings();
    } catch (cause) {
      // The message names the missing variables, never a value.
      return errorResponse(new AppError("INTERNAL", { message: cause instanceof Error ? cause.message : String(cause), cause }));
    }
    return serveMethod(request, context);
  };
}

export const GET = whenEnabled(handler.GET);
export const PUT = whenEnabled(handler.PUT);
export const POST = whenEnabled(handler.POST);
