// Browser playbooks from a phone, against the fixture billing portal the fakes serve on 127.0.0.1:4610
// (the origin of the playbooks Baton ships): the seed's flow (sign in, Invoices, Export CSV) from
// the Export invoices template, and a payment that waits for the person's Approve or Deny.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { recentMonths } from "../fixtures/portal/portal-server";
import { openApproval } from "./support/approvals";
import { createTaskViaApi, openPage, phone, uniqueTitle, waitUntilLive } from "./support/baton";
import { E2E_PORTAL, playbookMarker, PORTAL_URL } from "./support/fakes";
import { ensurePortalCredential } from "./support/portal";

async function paymentsOf(request: APIRequestContext, invoice: string): Promise<number> {
  const payments = (await (await request.get(`${PORTAL_URL}/__payments`)).json()) as Record<string, number>;
  return payments[invoice] ?? 0;
}

// The portal's invoices fall in the three months before today; a third of its 33 in each.
const lastMonth = recentMonths(new Date())[2]!;

test.beforeEach(async ({ request }) => ensurePortalCredential(request));

test("Export invoices template on a phone: Run now exports last month's CSV, with each step's screenshot on the timeline", async ({ browser, baseURL }) => {
  const page = await openPage(browser, phone, baseURL);
  await page.goto("/schedules/new");
  await page.getByRole("link", { name: /Export invoices from a web portal/ }).tap();
  await expect(page.getByLabel("Playbook")).toHaveValue("export-invoices");
  const title = uniqueTitle("Invoices");
  await page.getByLabel("Title").fill(title);
  await page.getByRole("button", { name: "Create schedule" }).tap();

  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await waitUntilLive(page);
  await page.getByRole("button", { name: "Run now" }).tap();
  const run = page.getByTestId("schedule-run");
  await expect(run.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  await run.tap();

  // The month comes from the run's start time, which the agent is told.
  const csvName = `invoices-${lastMonth}.csv`;
  await expect(page.getByTestId("artifact").filter({ hasText: "answer.md" })).toContainText(`11 invoices`);
  await expect(page.getByTestId("artifact").filter({ hasText: "answer.md" })).toContainText(`saved as ${csvName}`);
  const csv = page.getByTestId("artifact").filter({ has: page.locator("header", { hasText: csvName }) });
  const rows = csv.getByTestId("csv-table").locator("tbody tr");
  await expect(rows).toHaveCount(11);
  await expect(rows.first()).toContainText(lastMonth);

  const timeline = page.getByTestId("timeline");
  await expect(timeline).toContainText("export-invoices step 13: Export the invoices as CSV (done)");
  const thumbnails = timeline.getByRole("img", { name: /^Screenshot export-invoices-step-\d+\.(png|jpg)$/ });
  await expect(thumbnails).toHaveCount(13);
  // Tap a thumbnail: the page at full width, a real image that loaded.
  await thumbnails.nth(11).tap();
  const full = timeline.getByRole("img", { name: /export-invoices-step-12\.(png|jpg), full size$/ });
  await expect(full).toBeVisible();
  await expect.poll(() => full.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(300);
  // The password was typed by Baton into the page; it is on no screen the person sees.
  expect(await page.content()).not.toContain(E2E_PORTAL.password);
  await page.context().close();
});

test("Pay invoice from a phone: the card shows the page and the click; Approve pays once, Deny pays nothing", async ({ browser, baseURL, request }) => {
  const page = await openPage(browser, phone, baseURL);
  const pay = (invoice: string) =>
    createTaskViaApi(request, { title: uniqueTitle(`Pay ${invoice}`), prompt: `Pay ${invoice}.\n${playbookMarker("pay-invoice", { month: lastMonth, invoice })}` });

  const approved = "INV-1003";
  const paidBefore = await paymentsOf(request, approved);
  const card = await openApproval(page, (await pay(approved)).id);
  await expect(card.getByTestId("approval-tool")).toHaveText("run_playbook");
  await expect(card.getByTestId("risk-badge")).toHaveAttribute("data-risk", "external");
  await expect(card.getByTestId("approval-target")).toContainText(`step 11 "Pay invoice ${approved}": Click #pay-${approved}`);
  const screenshot = card.getByTestId("approval-screenshot");
  await expect(screenshot).toBeVisible();
  await expect.poll(() => screenshot.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(300);
  const approve = card.getByRole("button", { name: "Approve", exact: true });
  await expect(approve).toBeInViewport();
  expect(await paymentsOf(request, approved)).toBe(paidBefore);

  await approve.tap();
  await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  expect(await paymentsOf(request, approved)).toBe(paidBefore + 1);
  await expect(page.getByTestId("timeline")).toContainText(`pay-invoice step 12: Confirm that ${approved} is paid (done)`);

  const denied = "INV-1006";
  const deniedBefore = await paymentsOf(request, denied);
  const second = await openApproval(page, (await pay(denied)).id);
  await second.getByRole("button", { name: "Deny", exact: true }).tap();
  await second.getByRole("button", { name: "Deny", exact: true }).tap();
  await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  expect(await paymentsOf(request, denied)).toBe(deniedBefore);
  await page.context().close();
});
