// A newcomer's empty inbox offers one-tap example tasks; a tap creates the task on the default
// model (here the e2e stack's configured one) and opens it.
import { expect, test } from "@playwright/test";
import { inviteAndJoin } from "./support/invite";

test("the first visit offers examples; one tap creates the task and opens it", async ({ browser, baseURL }) => {
  const { page } = await inviteAndJoin(browser, baseURL, "Nia Newcomer");
  await page.goto("/");
  await expect(page.getByText("No tasks yet.")).toBeVisible();
  const examples = page.getByRole("region", { name: "Or try an example" }).getByRole("button");
  await expect(examples).toHaveText([/Morning brief/, /Weekly metrics as CSV/, /Post a note \(asks you first\)/]);
  for (const box of await Promise.all((await examples.all()).map((button) => button.boundingBox()))) expect(box!.height).toBeGreaterThanOrEqual(44);

  await examples.filter({ hasText: "Weekly metrics as CSV" }).tap();
  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "Weekly metrics as CSV" })).toBeVisible();
  await expect(page.getByText(`Fetch this week's metrics from ${baseURL}/demo/metrics.json`)).toBeAttached();
  await page.goto("/");
  await expect(page.getByTestId("task-card")).toHaveCount(1);
  await expect(page.getByRole("region", { name: "Or try an example" })).toHaveCount(0);
  await page.context().close();
});
