// Computer use from the app, on each provider's wire: the owner turns it on in Settings, starts a
// task on the New task page with an OpenAI or an Anthropic model, and the agent's use_browser
// drives the fixture portal from screenshots (the scripted model clicks where the controls are):
// it signs in (Baton types the saved password and code), lands on the invoices and exports the
// CSV. The CSV is on the task page with the portal's rows, and the picture of every turn is on
// the timeline. The injected page and the stale-click guard are tested in integration
// (tests/integration/use-browser.test.ts).
import { readFile } from "node:fs/promises";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { desktop, openPage, uniqueTitle } from "./support/baton";
import { computerUseMarker, E2E_PORTAL, type ComputerUseWire } from "./support/fakes";
import { ensurePortalCredential } from "./support/portal";

/** The portal's 33 invoices (tests/fixtures/portal), exported with no month chosen. */
const PORTAL_INVOICES = 33;
/** Model turns with actions in the script (sign in, code, export) and the computer calls they make. */
const ACTION_TURNS = 3;
const CALLS: Record<ComputerUseWire, number> = { openai: 3, anthropic: 5 + 3 + 1 };

async function setRule(request: APIRequestContext, rule: { scope: "class" | "tool"; key: string; decision: "allow" | null }) {
  const response = await request.put("/api/policy", { data: rule });
  expect(response.status(), await response.text()).toBe(200);
}

/** Settings → Computer use → Allow, as the owner would. */
async function allowComputerUse(page: Page) {
  await page.goto("/settings");
  const choices = page.getByRole("group", { name: "Policy for Let the agent drive a browser from screenshots" });
  await choices.getByRole("button", { name: "Allow" }).click();
  await expect(choices.getByRole("button", { name: "Allow" })).toHaveAttribute("aria-pressed", "true");
}

test.beforeEach(async ({ request }) => {
  await ensurePortalCredential(request);
  // Signing in types a password and presses a submit button, both "external" inside the call:
  // allowed here for use_browser (the approval of such actions is its own test, in integration).
  await setRule(request, { scope: "tool", key: "use_browser", decision: "allow" });
});

test.afterEach(async ({ request }) => {
  await setRule(request, { scope: "tool", key: "use_browser", decision: null });
  await setRule(request, { scope: "class", key: "computer-use", decision: null });
});

for (const wire of ["openai", "anthropic"] as const) {
  test(`computer use on the ${wire} wire: signs in with the saved credential, exports the CSV, every turn's picture on the timeline`, async ({ browser, baseURL }) => {
    test.setTimeout(180_000);
    const page = await openPage(browser, desktop, baseURL);
    await allowComputerUse(page);

    await page.goto("/tasks/new");
    const title = uniqueTitle(`Portal export (${wire})`);
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("What should Baton do?").fill(`Export all invoices from the billing portal as CSV.\n${computerUseMarker("export", wire)}`);
    const model = page.getByLabel("Model");
    const option = (await model.locator("option").evaluateAll((options: HTMLOptionElement[]) => options.map((entry) => entry.value))).find((value) => value.startsWith(`${wire}/`));
    expect(option, `a ${wire} model in the picker`).toBeDefined();
    await model.selectOption(option!);
    await page.getByRole("button", { name: "Start task" }).click();
    await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 150_000 });
    await expect(page.getByTestId("artifact").filter({ hasText: "answer.md" })).toContainText("Signed in and exported the CSV in 3 turns");

    // The download is the run's artifact: shown as a table, and the file itself, opened from the page.
    const csv = page.getByTestId("artifact").filter({ has: page.locator("header", { hasText: /download-invoices-all\.csv/ }) });
    const rows = csv.getByTestId("csv-table").locator("tbody tr");
    await expect(rows).toHaveCount(PORTAL_INVOICES);
    await expect(rows.first()).toContainText("INV-");
    const [download] = await Promise.all([page.waitForEvent("download"), csv.getByRole("link", { name: "Download" }).click()]);
    const text = await readFile(await download.path(), "utf8");
    const [header, ...lines] = text.trim().split("\n");
    expect(header).toBe("id,month,customer,amount");
    expect(lines).toHaveLength(PORTAL_INVOICES);

    // Every computer call has its picture (the page with the action drawn on it), after the opening frame;
    // together they cover each model turn that acted.
    const timeline = page.getByTestId("timeline");
    const opened = timeline.getByRole("img", { name: /^Screenshot browser-.+-start\.png$/ });
    await expect(opened).toHaveCount(1);
    const turns = timeline.getByRole("img", { name: /^Screenshot browser-.+-turn-\d\d-\d+-\d+-(action|after)\.png$/ });
    await expect(turns).toHaveCount(CALLS[wire]);
    const names = await turns.evaluateAll((images: HTMLImageElement[]) => images.map((image) => image.alt));
    expect(new Set(names.map((name) => /-turn-(\d\d)-/.exec(name)![1])).size).toBe(ACTION_TURNS);
    await expect(timeline.getByText(/^Browser turn \d+:/)).toHaveCount(CALLS[wire]);
    // A picture is a real frame that loaded, at the size the model saw.
    await turns.first().scrollIntoViewIfNeeded();
    await expect.poll(() => turns.first().evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(1024);
    // Baton typed the secrets; the page the person reads shows them masked.
    await expect(timeline).toContainText('Type the secret "billing-portal": done');
    expect(await page.content()).not.toContain(E2E_PORTAL.password);
    await page.context().close();
  });
}
