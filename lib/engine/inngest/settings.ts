// BATON_ENGINE=inngest, checked as a whole at start: lib/env.ts validates each variable, this says
// what is missing for the mode the SDK will run in (it reads the same INNGEST_* variables).
import { env, type Env } from "@/lib/env";

export interface InngestSettings {
  /** "dev": the Inngest Dev Server, no keys, requests unsigned. "cloud": Inngest Cloud or a self-hosted server, signed. */
  mode: "dev" | "cloud";
  /** Where events go and requests come from: INNGEST_DEV's URL, INNGEST_BASE_URL, or the SDK's default. */
  serverUrl: string;
}

const DEV_SERVER_URL = "http://localhost:8288";
const CLOUD_URL = "https://inn.gs";

type InngestEnv = Pick<Env, "INNGEST_DEV" | "INNGEST_SIGNING_KEY" | "INNGEST_EVENT_KEY" | "INNGEST_BASE_URL">;

export function inngestSettings(config: InngestEnv = env()): InngestSettings {
  const problems: string[] = [];
  const dev = config.INNGEST_DEV;
  const devFlag = dev === undefined ? undefined : ["1", "true"].includes(dev.toLowerCase()) ? true : ["0", "false"].includes(dev.toLowerCase()) ? false : undefined;
  let devUrl: string | undefined;
  if (dev !== undefined && devFlag === undefined) {
    if (URL.canParse(dev) && /^https?:$/.test(new URL(dev).protocol)) devUrl = dev;
    else problems.push(`INNGEST_DEV: must be 1, 0 or the Dev Server's URL (got "${dev}")`);
  }
  const mode = devFlag || devUrl ? "dev" : "cloud";
  if (mode === "cloud") {
    if (!config.INNGEST_SIGNING_KEY) problems.push("INNGEST_SIGNING_KEY: required with BATON_ENGINE=inngest (requests to /api/inngest must be signed with it)");
    if (!config.INNGEST_EVENT_KEY) problems.push("INNGEST_EVENT_KEY: required with BATON_ENGINE=inngest (events are sent with it)");
    if (problems.length > 0) problems.push("Take the keys from Inngest Cloud (or your self-hosted Inngest server), or set INNGEST_DEV=1 to use the Inngest Dev Server.");
  }
  if (problems.length > 0) throw new Error(`Baton cannot start: the Inngest engine is not configured\n${problems.map((line) => `  ${line}`).join("\n")}`);
  return { mode, serverUrl: devUrl ?? config.INNGEST_BASE_URL ?? (mode === "dev" ? DEV_SERVER_URL : CLOUD_URL) };
}
