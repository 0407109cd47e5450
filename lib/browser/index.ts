// The browser runtime's public surface (issue 13): playbooks and computer use build on these.
export { openBrowserSession, BrowserSession, type BrowserSessionOptions } from "./browser-session";
export { launchBrowser } from "./chromium";
export { createBrowserPool, type BrowserPool } from "./browser-pool";
export { BrowserLimitError, DEFAULT_BROWSER_LIMITS, type BrowserLimits, type BrowserLimitName } from "./limits";
export { BrowserRefusedError, type BrowserRefusal } from "./refusals";
export { originOutsideAdminRules } from "./destination-check";
export { screenshotStep, MASK_COLOR, MAX_SCREENSHOT_BYTES, type StepScreenshot } from "./screenshot-step";
export type { DownloadedFile } from "./downloads";
