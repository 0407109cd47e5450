// A second person joins: the owner makes an invitation link, a fresh signed-out phone opens it.
import { expect, type Browser, type Page } from "@playwright/test";
import { desktop, openPage, phone, uniqueTitle, waitUntilLive } from "./baton";

export const signedOut = { cookies: [], origins: [] };

/**
 * The owner invites a new person on /people; the person opens the link in a fresh browser and
 * joins. `ownerState` is the owner's signed-in state when the Baton is not the main e2e one.
 */
export async function inviteAndJoin(
  browser: Browser,
  baseURL: string | undefined,
  name: string,
  ownerState?: string,
): Promise<{ page: Page; email: string; password: string }> {
  const email = `${uniqueTitle("guest").replace(/\W+/g, "-").toLowerCase()}@example.test`;
  const password = "a guest's own password";
  const owner = await openPage(browser, ownerState ? { ...desktop, storageState: ownerState } : desktop, baseURL);
  await owner.goto("/people");
  await owner.getByLabel("Their email").fill(email);
  await owner.getByRole("button", { name: "Create invitation link" }).click();
  const link = await owner.getByLabel("Invitation link").inputValue();
  expect(link).toMatch(/\/invite\/[\w-]{20,}$/);
  await owner.context().close();

  const page = await openPage(browser, { ...phone, storageState: signedOut }, baseURL);
  await page.goto(new URL(link).pathname);
  await expect(page.getByText(`Email: ${email}`)).toBeVisible();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account and sign in" }).tap();
  // Who is signed in is under More in the phone's tab bar. A tap before the page has hydrated does
  // nothing (seen once in CI); the live stream connects only after it has.
  await waitUntilLive(page);
  const more = page.getByTestId("tab-bar").getByRole("button", { name: "More" });
  await more.tap();
  await expect(page.getByText(`Signed in as ${name}`)).toBeVisible();
  await more.tap();
  return { page, email, password };
}
