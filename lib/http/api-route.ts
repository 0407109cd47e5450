// The one way a route handler is written. The wrapper checks the origin of every unsafe method,
// authenticates, hands the handler its params and zod-parsed input, and turns anything thrown into
// the one JSON error shape (unexpected errors logged with their cause), so a route is only the
// lines that differ: call one domain function, map the result.
import type { z } from "zod";
import { requireApiUser } from "@/lib/auth/current-user";
import type { SessionUser } from "@/lib/auth/session";
import { errorResponse, parseOrThrow, readJsonBody } from "./respond";
import { assertSameOrigin } from "./same-origin";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

type Params = Record<string, string | string[]>;

export interface RouteInput<P extends Params> {
  request: Request;
  params: P;
  /** The JSON body checked against the schema: a 400 with field messages otherwise. */
  body<T extends z.ZodType>(schema: T): Promise<z.infer<T>>;
  /** The query string checked against the schema. */
  query<T extends z.ZodType>(schema: T): z.infer<T>;
}

export interface UserRouteInput<P extends Params> extends RouteInput<P> {
  /** The session's user (or a paired device's), never anything the request names. */
  user: SessionUser;
}

type NextContext<P extends Params> = { params: Promise<P> };

/** Tests call handlers with a request alone; a route without segments has no params to await. */
async function paramsOf<P extends Params>(context: NextContext<P> | undefined): Promise<P> {
  return context ? await context.params : ({} as P);
}

function routeInput<P extends Params>(request: Request, params: P): RouteInput<P> {
  return {
    request,
    params,
    body: async (schema) => parseOrThrow(schema, await readJsonBody(request)),
    query: (schema) => parseOrThrow(schema, Object.fromEntries(new URL(request.url).searchParams)),
  };
}

async function handle(request: Request, work: () => Promise<Response>): Promise<Response> {
  try {
    if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request);
    return await work();
  } catch (error) {
    return errorResponse(error, request);
  }
}

/** A route for the signed-in user: 401 without a session. */
export function withUser<P extends Params = Params>(handler: (input: UserRouteInput<P>) => Promise<Response>) {
  return (request: Request, context?: NextContext<P>) =>
    handle(request, async () => {
      const user = await requireApiUser(request);
      return handler({ ...routeInput(request, await paramsOf(context)), user });
    });
}

/** A route whose authority is not a session: a signed single-use token, or none (health, demo sources). */
export function withoutUser<P extends Params = Params>(handler: (input: RouteInput<P>) => Promise<Response>) {
  return (request: Request, context?: NextContext<P>) => handle(request, async () => handler(routeInput(request, await paramsOf(context))));
}
