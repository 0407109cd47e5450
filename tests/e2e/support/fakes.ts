// Where the end-to-end fakes listen, shared by playwright.config.ts (which starts them and points
// Baton at them) and the tests (which read what the sink received). Each port can be moved with an
// environment variable, so two checkouts can run their suites side by side.
const port = (name: string, fallback: number) => Number(process.env[name] || fallback);

export const E2E_PORTS = {
  web: port("BATON_E2E_PORT", 3100),
  postgres: port("BATON_E2E_PG_PORT", 54420),
  model: port("BATON_E2E_MODEL_PORT", 54490),
  sink: port("BATON_E2E_SINK_PORT", 54491),
};

export const MODEL_URL = `http://127.0.0.1:${E2E_PORTS.model}/v1`;
export const SINK_URL = `http://127.0.0.1:${E2E_PORTS.sink}`;

/**
 * Put this in a task's prompt and the e2e model asks to POST a status report to the sink at
 * /hooks/<hookId> (an "external" call, so it waits for approval), then answers with what came back.
 */
export const postMarker = (hookId: string) => `[e2e:post ${hookId}]`;
export const POST_MARKER = /\[e2e:post ([\w-]+)\]/;

/** The agent's words on the approval card: markup in them must show as text. */
export const POST_REASON = "I'll send the weekly status to the team webhook. <b>Nothing else</b> is sent.";

export interface SinkRequest {
  method: string;
  path: string;
  contentType: string | null;
  body: string;
}
