// One bound step in the page. Every wait is bounded by the step's own timeout (or a short action
// timeout), and nothing is retried: a selector that matches nothing is a broken playbook, and
// trying again only hides which step broke.
import type { Locator, Page } from "playwright-core";
import type { BrowserSession, DownloadedFile } from "@/lib/browser";
import type { ClickTarget } from "./schema";
import type { BoundAction, FillValue } from "./bind-playbook";

/** A fill that came from a credential gets this attribute, so every later screenshot paints it over. */
export const SECRET_FIELD_ATTRIBUTE = "data-baton-secret";
export const SECRET_FIELD_SELECTOR = `[${SECRET_FIELD_ATTRIBUTE}]`;

export interface StepEnvironment {
  session: BrowserSession;
  page: Page;
  /** Clicks, fills and checks give up after this long. */
  actionTimeoutMs: number;
  /** The text a credential marker stands for, for the page's current URL. */
  secretFor(value: Extract<FillValue, { credential: unknown }>, pageUrl: string): Promise<string>;
}

/** What a step produced beyond its effect on the page. */
export type StepProduct = { download: DownloadedFile; saveAs: string } | { table: string; saveAs: string } | undefined;

function clickLocator(page: Page, target: ClickTarget): Locator {
  if (target.selector !== undefined) return page.locator(target.selector);
  if (target.role !== undefined) return page.getByRole(target.role, { name: target.name ?? "" });
  return page.getByText(target.text ?? "");
}

function fillLocator(page: Page, action: Extract<BoundAction, { type: "fill" }>): Locator {
  return action.selector !== undefined ? page.locator(action.selector) : page.getByLabel(action.label ?? "");
}

/** RFC 4180: a field with a comma, a quote or a line break goes in quotes, its quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

async function tableAsCsv(table: Locator, timeout: number): Promise<string> {
  const rows = await table.evaluate(
    (element) =>
      Array.from(element.querySelectorAll("tr")).map((row) =>
        Array.from(row.querySelectorAll("th, td")).map((cell) => (cell as HTMLElement).innerText.trim()),
      ),
    undefined,
    { timeout },
  );
  return rows.map((cells) => cells.map(csvField).join(",")).join("\n") + "\n";
}

export async function performStep(env: StepEnvironment, action: BoundAction): Promise<StepProduct> {
  const { session, page, actionTimeoutMs: timeout } = env;
  switch (action.type) {
    case "goto":
      await session.goto(page, action.url, { timeout });
      return undefined;
    case "fill": {
      const field = fillLocator(page, action);
      if ("text" in action.value) {
        await session.run(() => field.fill((action.value as { text: string }).text, { timeout }));
        return undefined;
      }
      const secret = await env.secretFor(action.value, page.url());
      await session.run(async () => {
        await field.evaluate((element, name) => element.setAttribute(name, ""), SECRET_FIELD_ATTRIBUTE, { timeout });
        await field.fill(secret, { timeout });
      });
      return undefined;
    }
    case "click":
      await session.run(() => clickLocator(page, action).click({ timeout }));
      return undefined;
    case "select":
      await session.run(() => page.locator(action.selector).selectOption(action.value, { timeout }));
      return undefined;
    case "waitFor": {
      const wait = action.timeoutMs;
      if (action.selector !== undefined) await session.run(() => page.locator(action.selector!).waitFor({ state: "visible", timeout: wait }));
      else if (action.url !== undefined) await session.run(() => page.waitForURL((url) => url.href === action.url, { timeout: wait }));
      else await session.run(() => page.getByText(action.text ?? "").first().waitFor({ state: "visible", timeout: wait }));
      return undefined;
    }
    case "expectText": {
      const scope = page.locator(action.selector ?? "body");
      await session.run(() => scope.filter({ hasText: action.text }).first().waitFor({ state: "visible", timeout }));
      return undefined;
    }
    case "download": {
      const download = await session.expectDownload(page, () => clickLocator(page, action.click).click({ timeout }));
      return { download, saveAs: action.saveAs };
    }
    case "extractTable": {
      const table = await session.run(() => tableAsCsv(page.locator(action.selector), timeout));
      return { table, saveAs: action.saveAs };
    }
    case "screenshot":
      // The step's own screenshot, taken after every step, is the picture.
      return undefined;
  }
}
