// /demo/... - the demo sources (feed, calendar, metrics, sink); public, read-only, no session.
import { serveDemo } from "@/lib/demo/serve-demo";
import { withoutUser } from "@/lib/http/api-route";
import { publicOrigin } from "@/lib/http/public-origin";

export const dynamic = "force-dynamic";

const handle = withoutUser<{ path: string[] }>(async ({ request, params }) => serveDemo(request, params.path.join("/"), publicOrigin(request.headers)));

export { handle as GET, handle as POST, handle as DELETE };
