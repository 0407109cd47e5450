// The one place that reads process.env. Parsed once, on first use; a malformed variable stops the
// process with a message naming it.
import { z } from "zod";

export const EMBEDDED_PG_PORT_DEFAULT = 54329;

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const envSchema = z.object({
  DATABASE_URL: optionalString.pipe(z.url({ message: "must be a postgres:// URL" }).optional()),
  BATON_DATA_DIR: z.string().default(".baton"),
  BATON_PG_PORT: z.coerce.number().int().min(1).max(65535).default(EMBEDDED_PG_PORT_DEFAULT),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  BATON_WORKER_ID: optionalString,
  BATON_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
  // A fallback: workers are woken on new work (lib/engine/dbos/queue-wake.ts), so the poll only
  // matters while their LISTEN connection is down, or for work enqueued by something else.
  BATON_QUEUE_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(1000),
  /**
   * "1": every workflow step is a DBOS checkpoint, including the run's start and end (which record
   * themselves). Histories written so replay on a Baton from before 2026-12-03: set it for a while
   * before a downgrade, until the runs in flight have finished.
   */
  BATON_CHECKPOINT_EVERY_STEP: z.enum(["0", "1"]).default("0").transform((value) => value === "1"),
  /** How often a worker writes its heartbeat; and how long one may stay silent before its runs are taken over. */
  BATON_WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  BATON_WORKER_DEAD_AFTER_MS: z.coerce.number().int().min(1000).max(3600_000).default(15_000),
  BATON_MODEL_PROVIDER: z.enum(["openai", "openai-compatible", "anthropic"]).optional().or(z.literal("").transform(() => undefined)),
  BATON_MODEL: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.url({ message: "must be an http(s) URL" }).optional()),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalString.pipe(z.url({ message: "must be an http(s) URL" }).optional()),
  BATON_ANTHROPIC_MODEL: optionalString,
  BATON_MODEL_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  BATON_MODEL_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30 * 60_000),
  /** Comma-separated hosts or CIDR ranges that tools may reach despite the SSRF guard. */
  BATON_HTTP_ALLOWLIST: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((entry) => entry.trim()).filter(Boolean)),
  /** A JSON file naming MCP servers to connect: see README, "MCP servers". */
  BATON_MCP_CONFIG: optionalString,
  /** The Chromium the browser runtime drives (lib/browser); Debian's package by default. */
  BATON_CHROMIUM_PATH: z.string().trim().min(1).default("/usr/bin/chromium"),
  /** Browser runs (playbooks) one worker does at once in its shared Chromium; more wait for a slot. */
  BATON_BROWSER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Folders whose git repositories the agent may clone by path (comma-separated); none by default. */
  BATON_LOCAL_REPOSITORIES: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((entry) => entry.trim()).filter(Boolean)),
  /** How long a worker's Chromium stays up with no browser run. */
  BATON_BROWSER_IDLE_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  BATON_SCHEDULE_TICK_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /** A schedule slot fired later than this after its time counts as missed. */
  BATON_SCHEDULE_GRACE_MS: z.coerce.number().int().min(1000).default(60_000),
  BATON_APPROVAL_TTL_MS: z.coerce.number().int().min(1000).default(24 * 3600_000),
  BATON_MAX_TURNS: z.coerce.number().int().min(1).max(200).default(20),
  /** Per use_browser call (computer use): model turns, minutes and tokens before it stops with a message. */
  BATON_COMPUTER_USE_MAX_TURNS: z.coerce.number().int().min(1).max(500).default(40),
  BATON_COMPUTER_USE_MAX_MINUTES: z.coerce.number().min(0.1).max(24 * 60).default(15),
  BATON_COMPUTER_USE_MAX_TOKENS: z.coerce.number().int().min(1000).default(400_000),
  BATON_DEMO_LATENCY_MS: z.coerce.number().int().min(0).max(600_000).default(1200),
  /** spawn_subtasks: sub-tasks one call may start, and how deep sub-tasks may nest (a task of a person is depth 0). */
  BATON_SUBTASKS_PER_CALL: z.coerce.number().int().min(1).max(32).default(8),
  BATON_SUBTASKS_MAX_DEPTH: z.coerce.number().int().min(0).max(5).default(2),
  /** Where people reach Baton, e.g. https://baton.example.com; links in notifications use it. */
  BATON_PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional()),
  /** Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-* headers are believed. */
  BATON_TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((entry) => entry.trim()).filter(Boolean)),
  /** The address the web server listens on: loopback unless set (e.g. 0.0.0.0 behind TLS). */
  BATON_HOST: z.string().trim().default("127.0.0.1"),
  /** Signs session cookies and approval links; generated and stored in Postgres when unset. */
  BATON_AUTH_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  /** The secret store's key: 32 bytes as 64 hex digits or base64. Unset: ${BATON_DATA_DIR}/secret.key, made on first start. */
  BATON_SECRET_KEY: optionalString,
  /** Earlier keys, comma-separated, still accepted for reading while `npm run secrets:rotate` re-encrypts. */
  BATON_SECRET_KEY_PREVIOUS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((entry) => entry.trim()).filter(Boolean)),
  /** The first owner's account, created on start when no owner exists (instead of the setup page). */
  BATON_OWNER_EMAIL: optionalString.pipe(z.email({ message: "must be an email address" }).optional()),
  BATON_OWNER_PASSWORD: optionalString,
  BATON_OWNER_NAME: optionalString,
  /** Web Push: a contact the push services can reach (mailto: or https:); keys are generated when unset. */
  BATON_VAPID_SUBJECT: optionalString,
  BATON_VAPID_PUBLIC_KEY: optionalString,
  BATON_VAPID_PRIVATE_KEY: optionalString,
  /** Hosts or CIDR ranges push endpoints may use despite the SSRF guard (tests' local push service). */
  BATON_PUSH_ALLOWLIST: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((entry) => entry.trim()).filter(Boolean)),
  // --- Engine selection and the Inngest backend (checked together by lib/engine/inngest/settings.ts) ---
  /** What runs the durable work: "dbos" (worker processes on this Postgres) or "inngest" (functions behind /api/inngest). */
  BATON_ENGINE: z.enum(["dbos", "inngest"], { message: 'must be "dbos" or "inngest"' }).default("dbos"),
  /** Inngest Cloud's (or a self-hosted Inngest server's) keys; required unless INNGEST_DEV is set. */
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_SIGNING_KEY: optionalString,
  /** The previous signing key while rotating keys. */
  INNGEST_SIGNING_KEY_FALLBACK: optionalString,
  /** A self-hosted Inngest server's URL (Inngest Cloud when unset). */
  INNGEST_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional()),
  /** "1" to use the Inngest Dev Server (no keys), or the Dev Server's URL; "0" or unset for Cloud mode. */
  INNGEST_DEV: optionalString,
});

export type Env = z.infer<typeof envSchema>;

/**
 * The variables that hold secrets, read off the schema by name so a new key or password is
 * redacted (lib/redact.ts) without anyone remembering to list it. Public halves of key pairs are not secrets.
 */
export const SECRET_ENV_NAMES = (Object.keys(envSchema.shape) as Array<keyof Env>).filter(
  (name) => /(KEY|SECRET|PASSWORD|TOKEN)(_|$)/.test(name) && !name.endsWith("PUBLIC_KEY"),
);

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Baton cannot start: invalid environment\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** The embedded server's URL unless DATABASE_URL names another Postgres. */
export function databaseUrl(): string {
  const { DATABASE_URL, BATON_PG_PORT } = env();
  return DATABASE_URL ?? `postgresql://postgres:baton@127.0.0.1:${BATON_PG_PORT}/baton`;
}

export function usesEmbeddedPostgres(): boolean {
  return env().DATABASE_URL === undefined;
}
