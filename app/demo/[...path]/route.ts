// /demo/... - the demo sources (feed, calendar, metrics, sink); public, read-only, no session.
import { publicOrigin } from "@/lib/http/public-origin";
import { serveDemo } from "@/lib/demo/serve-demo";

export const dynamic = "force-dynamic";

async function handle(request: Request, { params }: RouteContext<"/demo/[...path]">): Promise<Response> {
  const { path } = await params;
  return serveDemo(request, path.join("/"), publicOrigin(request.headers));
}

export { handle as GET, handle as POST, handle as DELETE };
