// The new-task form explains what is missing, in words, and creates nothing until it is fixed.
import { expect, test } from "@playwright/test";
import { listAllTasks, uniqueTitle } from "./support/baton";

test("submitting an empty form shows field errors and creates no task", async ({ page, request }) => {
  const before = await listAllTasks(request);
  await page.goto("/tasks/new");

  await page.getByRole("button", { name: "Start task" }).click();

  // (Next's route announcer is an empty alert of its own.)
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Some fields need fixing.");
  await expect(page.getByText("Give the task a title.")).toBeVisible();
  await expect(page.getByText("Tell Baton what to do.")).toBeVisible();
  // Each error is tied to its field, so a screen reader announces it there.
  await expect(page.getByLabel("Title")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Title")).toHaveAccessibleDescription("Give the task a title.");
  // The error, then the length against the limit.
  await expect(page.getByLabel("What should Baton do?")).toHaveAccessibleDescription("Tell Baton what to do. 0 / 20,000 characters");
  await expect(page).toHaveURL(/\/tasks\/new$/);
  // The first field to fix has the focus (and so is on screen, even on a phone).
  await expect(page.getByLabel("Title")).toBeFocused();

  // Fixing one field keeps what was typed and leaves only the other error.
  const title = uniqueTitle("Half-filled");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("What should Baton do?").fill("   ");
  await page.getByRole("button", { name: "Start task" }).click();
  await expect(page.getByText("Tell Baton what to do.")).toBeVisible();
  await expect(page.getByText("Give the task a title.")).toHaveCount(0);
  await expect(page.getByLabel("Title")).toHaveValue(title);
  await expect(page.getByLabel("Title")).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("What should Baton do?")).toBeFocused();

  const after = await listAllTasks(request);
  expect(after.map((task) => task.id)).toEqual(before.map((task) => task.id));
});
