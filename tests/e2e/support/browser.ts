// Playwright cannot download its own browsers here: use the system Chromium (Debian's package),
// or the one BATON_CHROMIUM_PATH names. The flags keep it quiet on a closed network and let it
// run as root in a container.
import { existsSync } from "node:fs";
import type { LaunchOptions } from "@playwright/test";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export function chromiumLaunchOptions(): LaunchOptions {
  const executablePath = process.env.BATON_CHROMIUM_PATH || CANDIDATES.find((candidate) => existsSync(candidate));
  return {
    // undefined: fall back to a Playwright-managed browser where one is installed.
    ...(executablePath ? { executablePath } : {}),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-dev-shm-usage",
    ],
  };
}
