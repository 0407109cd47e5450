// Screenshots for a person to look at (not compared): the main pages on a phone and a desktop.
// npm run screenshots (into BATON_SCREENSHOTS_DIR, default /tmp/baton-shots).
import path from "node:path";
import { expect, test } from "@playwright/test";
import { fullPageShot } from "./shot";
import { createTaskViaApi, desktopWide, openPage, phone, waitUntilLive } from "../e2e/support/baton";

const folder = process.env.BATON_SCREENSHOTS_DIR ?? "/tmp/baton-shots";

const prompt = [
  "Summarize today's support issues and my calendar into a short brief.",
  "",
  "- Group the issues by customer",
  "- Flag anything that is overdue, with a link to the ticket: https://support.example.com/tickets/4711-a-very-long-ticket-slug-that-does-not-wrap-easily",
].join("\n");

for (const [device, sized] of [["phone", phone], ["desktop", desktopWide]] as const)
  for (const scheme of ["light", "dark"] as const) {
    const options = { ...sized, colorScheme: scheme };
    test(`screenshots on a ${device}, ${scheme}`, async ({ browser, baseURL, request }) => {
      const task = await createTaskViaApi(request, { title: "Morning briefing for the leadership team, with calendar and support issues", prompt });
      const later = await createTaskViaApi(request, {
        title: "Weekly report for the whole team, drafted from the tracker and the calendar",
        prompt: "Draft the weekly report.",
        runAt: new Date(Date.now() + 3600_000).toISOString(),
      });
      const page = await openPage(browser, options, baseURL);
      const shot = (name: string) => fullPageShot(page, path.join(folder, `${device}-${scheme}-${name}.png`));

      await page.goto(`/tasks/${task.id}`);
      await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
      await waitUntilLive(page);
      await shot("task-completed");

      await page.goto(`/tasks/${later.id}`);
      await waitUntilLive(page);
      await shot("task-scheduled");

      await page.goto("/");
      await waitUntilLive(page);
      await shot("inbox");

      await page.goto("/tasks/new");
      await shot("new-task");
      await page.getByRole("button", { name: "Start task" }).click();
      await expect(page.getByText("Give the task a title.")).toBeVisible();
      await shot("new-task-errors");

      await page.goto("/devices");
      await page.getByRole("button", { name: "Pair a phone or another computer" }).click();
      await expect(page.getByTestId("pairing-code")).toBeVisible();
      await shot("devices");
      await page.goto("/people");
      await shot("people");
      await page.goto("/settings");
      await shot("settings");
      await page.goto("/models");
      await shot("models");
      if (device === "phone") {
        await page.getByTestId("tab-bar").getByRole("button", { name: "More" }).click();
        await expect(page.getByTestId("tab-bar").getByRole("link", { name: "Devices" })).toBeVisible();
        await page.screenshot({ path: path.join(folder, `${device}-${scheme}-more-menu.png`) });
      }
      // What the service worker shows offline for a page never opened.
      await page.goto("/offline.html");
      await shot("offline-not-available");

      const signedOut = await openPage(browser, { ...options, storageState: { cookies: [], origins: [] } }, baseURL);
      await signedOut.goto("/sign-in");
      await fullPageShot(signedOut, path.join(folder, `${device}-${scheme}-sign-in.png`));
      await signedOut.goto("/pair?code=ABCD-EFGH");
      await fullPageShot(signedOut, path.join(folder, `${device}-${scheme}-pair.png`));

      await Promise.all([page.context().close(), signedOut.context().close()]);
    });
}
