// npm run screenshots: the same server as the end-to-end tests, taking pictures of the pages.
import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

export default defineConfig({ ...base, testDir: "tests/screenshots", retries: 0 });
