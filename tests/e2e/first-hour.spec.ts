// A newcomer's first hour on a Baton started with no model configured and its data in a folder
// closed to other users (tests/e2e/support/start-fresh.ts): the notice says what runs and where to
// change it, and one tap on an example walks the central flow on the demo model, through the real
// tool path, the real policy and the demo sources' own narrow opening (no allowlist).
import { expect, request, test } from "@playwright/test";
import { E2E_OWNER, signInViaApi } from "./support/auth";
import { openPage, phone, waitUntilLive } from "./support/baton";
import { FRESH_URL } from "./support/fakes";
import { inviteAndJoin } from "./support/invite";
import { expectTapTargets } from "./support/tap-targets";

const OWNER_STATE = "test-results/.auth/fresh-owner.json";

test.beforeAll(async () => {
  const api = await request.newContext({ baseURL: FRESH_URL });
  await signInViaApi(api, E2E_OWNER);
  await api.storageState({ path: OWNER_STATE });
  await api.dispose();
});

test("the owner is told tasks run on the demo model, with the way to Models; closed, it stays closed; New task stays in view", async ({ browser }) => {
  const page = await openPage(browser, { ...phone, storageState: OWNER_STATE }, FRESH_URL);
  await page.goto("/");
  const notice = page.getByTestId("model-notice");
  await expect(notice).toContainText("Tasks run on the demo model (scripted, no AI)");
  await expect(notice.getByRole("link", { name: "Set up a model" })).toHaveAttribute("href", "/models");
  await expect(notice).not.toContainText("OPENAI");
  const box = (await notice.boundingBox())!;
  expect(box.height, "the notice is compact on a phone").toBeLessThanOrEqual(90);
  const newTask = (await page.getByRole("link", { name: "New task" }).boundingBox())!;
  expect(newTask.y + newTask.height).toBeLessThanOrEqual(844);
  await expectTapTargets(page, "the inbox with the notice");

  await notice.getByRole("button", { name: "Dismiss this notice" }).tap();
  await expect(notice).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(page.getByTestId("model-notice")).toHaveCount(0);
  await page.context().close();
});

test("a new person: asked to tell the owner; one tap asks before posting; approved, the demo sink's receipt and the answer", async ({ browser }) => {
  const { page } = await inviteAndJoin(browser, FRESH_URL, "Noor Newcomer", OWNER_STATE);
  await page.goto("/");
  const notice = page.getByTestId("model-notice");
  await expect(notice).toContainText("Ask the owner to set up a model");
  await expect(notice.getByRole("link")).toHaveCount(0);

  await page.getByRole("region", { name: "Or try an example" }).getByRole("button", { name: /Post a note/ }).tap();
  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  await waitUntilLive(page);
  const card = page.getByTestId("approval-card");
  await expect(card).toBeVisible({ timeout: 30_000 });
  const sink = `${FRESH_URL}/demo/sink`;
  await expect(card.getByTestId("approval-target")).toHaveText(`POST ${sink}`);
  for (const name of ["Approve", "Deny"]) {
    const button = (await card.getByRole("button", { name, exact: true }).boundingBox())!;
    expect(button.y + button.height, `${name} inside the phone's screen`).toBeLessThanOrEqual(844);
  }
  const timeline = page.getByTestId("timeline");
  await expect(timeline).toContainText("Asked Demo model");

  await card.getByRole("button", { name: "Approve", exact: true }).tap();
  await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  const called = timeline.locator("li").filter({ hasText: `http_request: POST ${sink} → 201` });
  await expect(called).toHaveCount(1);
  await called.getByText("Result", { exact: true }).tap();
  const receipt = /rcpt_[0-9a-f]{12}/.exec((await called.getByTestId("tool-result").textContent()) ?? "")?.[0];
  expect(receipt).toBeDefined();
  await expect(page.getByTestId("run-result").first()).toContainText(receipt!);
  await page.context().close();
});
