// Where the end-to-end fakes listen, shared by playwright.config.ts (which starts them and points
// Baton at them) and the tests (which read what the sink received). Each port can be moved with an
// environment variable, so two checkouts can run their suites side by side.
const port = (name: string, fallback: number) => Number(process.env[name] || fallback);

export const E2E_PORTS = {
  web: port("BATON_E2E_PORT", 3100),
  postgres: port("BATON_E2E_PG_PORT", 25420),
  model: port("BATON_E2E_MODEL_PORT", 25490),
  sink: port("BATON_E2E_SINK_PORT", 25491),
  /** The fixture billing portal; the playbooks Baton ships name 127.0.0.1:4610, so keep it there. */
  portal: port("BATON_E2E_PORTAL_PORT", 4610),
  /** A second Baton as a newcomer starts it: no model configured, its data under a 0700 folder. */
  fresh: port("BATON_E2E_FRESH_PORT", 3101),
  freshPostgres: port("BATON_E2E_FRESH_PG_PORT", 25421),
  /** The fake GitHub (tests/fakes/fake-github.ts): its REST API under /api/v3 and git over smart HTTP. */
  forge: port("BATON_E2E_FORGE_PORT", 25492),
};

export const FRESH_URL = `http://127.0.0.1:${E2E_PORTS.fresh}`;

export const MODEL_URL = `http://127.0.0.1:${E2E_PORTS.model}/v1`;
/** The same scripted model for the Anthropic SDK (it adds /v1/messages itself). */
export const ANTHROPIC_MODEL_URL = `http://127.0.0.1:${E2E_PORTS.model}`;
export const SINK_URL = `http://127.0.0.1:${E2E_PORTS.sink}`;
export const PORTAL_URL = `http://127.0.0.1:${E2E_PORTS.portal}`;
export const FORGE_URL = `http://127.0.0.1:${E2E_PORTS.forge}`;

/**
 * The fake GitHub's one repository (the PR handoff fixture, made fresh when the fakes start), its
 * issue #1, and the token it takes; the pull requests it was asked for are at SINK_URL/forge/pulls.
 */
export const E2E_FORGE = {
  token: "ghp_e2eFakeGithubToken000000000000000000",
  repository: `${FORGE_URL}/acme/widgets.git`,
  issue: { number: 1, title: "An empty cart's total throws", body: "cartTotal([]) throws a TypeError instead of returning 0; test/cart.test.js fails." },
  issueUrl: `${FORGE_URL}/acme/widgets/issues/1`,
} as const;

/** The portal's sign-in, saved by the playbook tests as the owner's billing-portal credential. */
export const E2E_PORTAL = { username: "clerk@example.com", password: "e2e portal pass 4610", totpSecret: "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU" } as const;

/**
 * Put this in a task's prompt and the e2e model runs the playbook with these parameters, then
 * answers with what the tool said.
 */
export const playbookMarker = (playbook: string, parameters: Record<string, string>) => `[e2e:playbook ${playbook} ${JSON.stringify(parameters)}]`;
export const PLAYBOOK_MARKER = /\[e2e:playbook ([\w-]+) (\{[^\]]*\})\]/;

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

/** The feed fixtures (tests/fixtures/feeds) the sink serves, e.g. for the morning-briefing template. */
export const FIXTURE_FEED_URLS = {
  rss2: `${SINK_URL}/fixtures/feeds/rss2.xml`,
  atom: `${SINK_URL}/fixtures/feeds/atom.xml`,
  rdf: `${SINK_URL}/fixtures/feeds/rdf.xml`,
};

/** tests/fixtures/calendar/team.ics as served by the sink (its events are in March and April 2026). */
export const FIXTURE_TEAM_CALENDAR_URL = `${SINK_URL}/fixtures/calendar/team.ics`;

/** A calendar the sink renders on each request with TODAY_EVENTS on the current day (UTC). */
export const TODAY_CALENDAR_PATH = "/fixtures/calendar/today.ics";
export const TODAY_CALENDAR_URL = `${SINK_URL}${TODAY_CALENDAR_PATH}`;

/** The events of TODAY_CALENDAR_URL: UTC start and end times (HH:MM) of today, in time order. */
export const TODAY_EVENTS = [
  { title: "Standup with the platform team", start: "09:00", end: "09:15", location: "Room 4.12" },
  { title: "Quarterly review with Acme", start: "14:00", end: "15:00", location: "Zoom" },
] as const;

/** The saved credential computer-use tasks sign in with (the playbook tests save the same one). */
export const COMPUTER_USE_CREDENTIAL = "billing-portal";
/** Opens the goal the e2e agent gives use_browser, so its computer turns know their task and wire. */
export const COMPUTER_USE_GOAL = "E2E-CU";
export type ComputerUseWire = "openai" | "anthropic";
/**
 * Put this in a task's prompt and the e2e model calls use_browser on the fixture portal: "export"
 * signs in and exports the invoices CSV, "captcha" meets the CAPTCHA and asks for a person
 * (tests/e2e/support/computer-script.ts). The wire must be the task's model's.
 */
export const computerUseMarker = (task: "export" | "captcha", wire: ComputerUseWire) => `[e2e:computer-use ${task} ${wire}]`;
