// End-to-end tests: the whole of Baton (`npm start`: embedded Postgres, web server, worker) on a
// throwaway data folder, driven by Debian's Chromium (Playwright cannot download its own here).
// Its model is a scripted one speaking the OpenAI API (tests/e2e/support/fake-services.ts): it
// answers like the demo model, and calls tools when a test's prompt asks it to.
import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions } from "./tests/e2e/support/browser";
import { E2E_OWNER, OWNER_STATE } from "./tests/e2e/support/auth";
import { ANTHROPIC_MODEL_URL, E2E_PORTS, FRESH_URL, MODEL_URL, SINK_URL } from "./tests/e2e/support/fakes";

const PORT = E2E_PORTS.web;
const baseURL = `http://127.0.0.1:${PORT}`;
const DATA_DIR = ".baton-e2e";

// The web server inherits this process's environment; lib/env.ts reads an empty variable as unset.
// Blank out model and database settings so every task runs on the e2e model against the embedded
// Postgres, whatever the developer's shell exports.
const UNSET = [
  "DATABASE_URL",
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "BATON_MODEL_PROVIDER",
  "BATON_MODEL",
  "BATON_WORKER_ID",
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_BASE_URL",
  "BATON_ANTHROPIC_MODEL",
  "BATON_HTTP_ALLOWLIST",
  "BATON_PUBLIC_URL",
  "BATON_AUTH_SECRET",
  "BATON_VAPID_SUBJECT",
  "BATON_PUSH_ALLOWLIST",
];

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.spec.ts",
  globalSetup: "./tests/e2e/support/global-setup.ts",
  // One app, one database, two cores: tests share the inbox, so they run one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    baseURL,
    storageState: OWNER_STATE,
    browserName: "chromium",
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1280, height: 800 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: [
    {
      // The scripted model and the webhook sink the agent may post to (after approval).
      command: "npx tsx tests/e2e/support/fake-services.ts",
      url: `${SINK_URL}/health`,
      env: {
        BATON_E2E_MODEL_PORT: String(E2E_PORTS.model),
        BATON_E2E_SINK_PORT: String(E2E_PORTS.sink),
        BATON_E2E_FORGE_PORT: String(E2E_PORTS.forge),
      },
      timeout: 30_000,
      reuseExistingServer: !process.env.CI,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
    {
      // A fresh data folder each run: the embedded Postgres starts empty and migrations apply.
      command: `rm -rf ${DATA_DIR} && npm start`,
      url: `${baseURL}/api/health`,
      env: {
        ...Object.fromEntries(UNSET.map((name) => [name, ""])),
        PORT: String(PORT),
        BATON_DATA_DIR: DATA_DIR,
        BATON_PG_PORT: String(E2E_PORTS.postgres),
        BATON_MODEL_PROVIDER: "openai",
        BATON_MODEL: "scripted",
        OPENAI_API_KEY: "sk-e2e-scripted-model",
        OPENAI_BASE_URL: MODEL_URL,
        // Anthropic's Messages API on the same scripted model, for tasks that pick it (computer use on its wire).
        ANTHROPIC_API_KEY: "sk-ant-e2e-scripted-model",
        ANTHROPIC_BASE_URL: ANTHROPIC_MODEL_URL,
        BATON_MODEL_POLL_MS: "250",
        BATON_DEMO_LATENCY_MS: "1500",
        // The sink listens on loopback, which the SSRF guard refuses unless allowlisted.
        BATON_HTTP_ALLOWLIST: "127.0.0.1/32:*",
        // The push service the push tests stand up on loopback.
        BATON_PUSH_ALLOWLIST: "127.0.0.1/32:*",
        BATON_OWNER_EMAIL: E2E_OWNER.email,
        BATON_OWNER_PASSWORD: E2E_OWNER.password,
        BATON_OWNER_NAME: E2E_OWNER.name,
      },
      // The first start runs `next build`.
      timeout: 240_000,
      reuseExistingServer: !process.env.CI,
      stdout: "pipe",
      stderr: "pipe",
      // scripts/start.ts stops the web server and the worker on SIGTERM, then the embedded Postgres.
      gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    },
    {
      // A newcomer's Baton (tests/e2e/first-hour.spec.ts): no model, the demo sources reached
      // through their own narrow opening (no allowlist), data under a 0700 folder.
      command: `npx tsx tests/e2e/support/start-fresh.ts ${baseURL}/api/health`,
      url: `${FRESH_URL}/api/health`,
      env: {
        ...Object.fromEntries(UNSET.map((name) => [name, ""])),
        PORT: String(E2E_PORTS.fresh),
        BATON_PG_PORT: String(E2E_PORTS.freshPostgres),
        BATON_DEMO_LATENCY_MS: "300",
        BATON_OWNER_EMAIL: E2E_OWNER.email,
        BATON_OWNER_PASSWORD: E2E_OWNER.password,
        BATON_OWNER_NAME: E2E_OWNER.name,
      },
      timeout: 360_000,
      reuseExistingServer: !process.env.CI,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    },
  ],
});
