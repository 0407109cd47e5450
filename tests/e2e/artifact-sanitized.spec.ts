// An artifact is data, not code: HTML in it (here, echoed from the prompt by the demo model) is
// neither run nor rendered as markup.
import { expect, test } from "@playwright/test";
import { createTaskViaApi, uniqueTitle } from "./support/baton";

test("markup in an artifact does not execute", async ({ page, request }) => {
  const prompt = [
    "Report on these snippets:",
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    '<a href="javascript:window.__pwned=3">click me</a>',
    '<iframe src="javascript:parent.__pwned=4"></iframe>',
  ].join("\n");
  const task = await createTaskViaApi(request, { title: uniqueTitle("Untrusted content"), prompt });

  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`/tasks/${task.id}`);
  await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  const artifact = page.getByTestId("artifact");
  await expect(artifact.getByRole("heading", { level: 1 })).toHaveText("Report on these snippets:");
  await expect(artifact.getByRole("heading", { name: "Your request" })).toBeVisible();

  await expect(artifact.locator("script, img, iframe, [onerror], [onclick], [style]")).toHaveCount(0);
  await expect(artifact.locator('a[href^="javascript:"]')).toHaveCount(0);
  // Click what is left of the link, in case anything survived.
  const link = artifact.getByText("click me");
  if (await link.count()) await link.first().click();
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
});
