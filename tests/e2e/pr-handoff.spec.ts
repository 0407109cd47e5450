// The PR handoff on a phone with no forge and no keys: the template starts filled with Baton's demo
// repository; the demo model clones it, the tests fail, it fixes the bug, the tests pass; the push
// waits on an approval card that shows the branch, the commit message, the diff stats and the test
// results; approved, the branch is pushed to the local demo remote, the patch reads as a diff, and
// the answer says the pull request step needs a forge (this remote has none).
// Then with a GitHub forge (the fake GitHub the e2e fakes run, a token saved as a credential): the
// issue is read from the forge by its URL, the push and the draft pull request are approved from
// the card, and the pull request's link is on the task; the forge got draft: true, the task's
// branch as head and main as base, and a body that links the issue.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { openPage, phone } from "./support/baton";
import { expectNoSideways } from "./support/approvals";
import { E2E_FORGE, FORGE_URL, SINK_URL } from "./support/fakes";

const FORGE_CREDENTIAL = "fake-github";

/** The token for the fake GitHub, saved once as the owner's credential (a retried test finds it there). */
async function ensureForgeCredential(request: APIRequestContext) {
  const listed = (await (await request.get("/api/credentials")).json()) as { credentials: { name: string }[] };
  if (listed.credentials.some((credential) => credential.name === FORGE_CREDENTIAL)) return;
  const response = await request.post("/api/credentials", {
    data: { name: FORGE_CREDENTIAL, label: "Fake GitHub", origins: [FORGE_URL], username: "x-access-token", password: E2E_FORGE.token },
  });
  expect(response.status(), await response.text()).toBe(201);
}

interface ForgePull {
  number: number;
  head: string;
  base: string;
  draft: boolean;
  body: string;
  html_url: string;
}

test("start the PR handoff template, approve the push from the card, see the diff and the pushed branch", async ({ browser, baseURL }) => {
  const page = await openPage(browser, phone, baseURL);
  await page.goto("/tasks/new");
  await page.getByRole("link", { name: /PR handoff/ }).tap();
  await expect(page.getByRole("heading", { name: "PR handoff" })).toBeVisible();
  await expect(page.getByLabel("Repository")).toHaveValue(/demo-repositories\/widgets\.git$/);
  await expectNoSideways(page);

  // A bad field comes back under its field, and nothing starts.
  await page.getByLabel("Branch prefix").fill("feature/");
  await page.getByLabel("Model").selectOption({ label: "Demo model (scripted, no AI)" });
  await page.getByRole("button", { name: "Start task" }).tap();
  await expect(page.locator("#branchPrefix-error")).toContainText("Start the prefix with baton/");
  await page.getByLabel("Branch prefix").fill("baton/");
  // This Baton's default model is the e2e's fake OpenAI server: the handoff is the demo model's.
  await page.getByLabel("Model").selectOption({ label: "Demo model (scripted, no AI)" });
  await page.getByRole("button", { name: "Start task" }).tap();
  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);

  const card = page.getByTestId("approval-card");
  await expect(card.getByTestId("approval-tool")).toHaveText("push_branch", { timeout: 60_000 });
  const change = card.getByTestId("approval-code-change");
  await expect(change).toContainText("baton/fix-empty-cart");
  await expect(change).toContainText("Start an empty cart's total at 0");
  await expect(change).toContainText("1 file, +1 −1");
  await expect(card.getByTestId("approval-test-results")).toHaveText("The tests pass: 2 passed, 0 failed");
  await expectNoSideways(page);

  await card.getByRole("button", { name: "Approve", exact: true }).tap();
  await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  await expect(page.getByText(/no forge behind it, so there is no pull request/)).toBeVisible();
  const diff = page.getByTestId("diff-view");
  await expect(diff).toContainText("src/cart.js");
  await expect(diff).toContainText("line.quantity, 0);");
  await expectNoSideways(page);
});

test("with a GitHub forge: the issue is read from it, the push and the draft pull request are approved from the card, the PR link is on the task", async ({ browser, baseURL, request }) => {
  await ensureForgeCredential(request);
  // Its own prefix, so a rerun against fakes still running opens a pull request of its own.
  const prefix = `baton/e2e-${Date.now().toString(36)}-`;
  const branch = `${prefix}fix-empty-cart`;
  const page = await openPage(browser, phone, baseURL);
  await page.goto("/tasks/new?template=pr-handoff");
  await page.getByLabel("Repository").fill(E2E_FORGE.repository);
  await page.getByLabel("Issue").fill(E2E_FORGE.issueUrl);
  await page.getByLabel("Branch prefix").fill(prefix);
  await page.getByLabel("Forge credential (optional)").fill(FORGE_CREDENTIAL);
  await page.getByLabel("Model").selectOption({ label: "Demo model (scripted, no AI)" });
  await page.getByRole("button", { name: "Start task" }).tap();
  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);

  const card = page.getByTestId("approval-card");
  await expect(card.getByTestId("approval-tool")).toHaveText("push_branch", { timeout: 60_000 });
  await expect(card.getByTestId("approval-code-change")).toContainText(branch);
  await expect(card.getByTestId("approval-test-results")).toHaveText("The tests pass: 2 passed, 0 failed");
  await card.getByRole("button", { name: "Approve", exact: true }).tap();

  await expect(card.getByTestId("approval-tool")).toHaveText("open_pull_request", { timeout: 60_000 });
  await expectNoSideways(page);
  await card.getByRole("button", { name: "Approve", exact: true }).tap();

  await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  const link = page.getByTestId("pull-request-link");
  await expect(link).toBeVisible();
  await expect(link).toHaveAttribute("href", new RegExp(`^${FORGE_URL}/acme/widgets/pull/\\d+$`));
  await expect(page.getByText("Draft pull request", { exact: false }).first()).toBeVisible();
  await expectNoSideways(page);

  const { pulls } = (await (await request.get(`${SINK_URL}/forge/pulls`)).json()) as { pulls: ForgePull[] };
  const opened = pulls.filter((pull) => pull.head === branch);
  expect(opened).toHaveLength(1);
  expect(opened[0]).toMatchObject({ head: branch, base: "main", draft: true });
  expect(opened[0]!.body).toContain(E2E_FORGE.issueUrl);
  await expect(link).toHaveAttribute("href", opened[0]!.html_url);
});
