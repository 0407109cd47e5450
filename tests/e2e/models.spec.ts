// The Models page on a phone: what the environment sets is said to be set there (the e2e stack's
// OpenAI variables point at the scripted model), and an OpenAI-compatible server added on the page
// (the same scripted model server, over real HTTP) is listed, tested with a real call and used by
// the next task, with no restart.
import { expect, test } from "@playwright/test";
import { openPage, phone, uniqueTitle } from "./support/baton";
import { MODEL_URL } from "./support/fakes";

test("the owner adds an OpenAI-compatible server on a phone and the next task runs on it", async ({ browser, baseURL }) => {
  const page = await openPage(browser, phone, baseURL);
  await page.goto("/models");
  await expect(page.getByRole("heading", { level: 1, name: "Models" })).toBeVisible();

  const openai = page.getByTestId("provider-openai");
  await expect(openai).toContainText("Set by the environment (OPENAI_API_KEY)");
  await expect(openai.getByLabel("API key")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Default model" })).toContainText("set by the environment (BATON_MODEL_PROVIDER)");

  const compatible = page.getByTestId("provider-openai-compatible");
  await compatible.getByLabel("Server URL").fill("not a url");
  await compatible.getByRole("button", { name: "Save" }).tap();
  await expect(compatible.getByText(/Enter the server's http\(s\) URL/)).toBeVisible();
  await expect(compatible.getByLabel("Server URL")).toHaveValue("not a url");

  await compatible.getByLabel("Server URL").fill(MODEL_URL);
  await compatible.getByRole("button", { name: "Save" }).tap();
  await expect(compatible.getByTestId("openai-compatible-status")).toHaveText(`Server ${MODEL_URL} · Model scripted`);
  await compatible.getByRole("button", { name: "Test connection" }).tap();
  await expect(compatible.getByTestId("openai-compatible-test-result")).toContainText(/^Connected: scripted answered in \d+ ms\.$/);

  // Every control on the page is a comfortable tap target.
  for (const control of await page.locator("main").locator("button, a, input:not([type=hidden]), select").all()) {
    const box = await control.boundingBox();
    expect(box, await control.evaluate((element) => element.outerHTML.slice(0, 120))).not.toBeNull();
    expect(box!.height, await control.evaluate((element) => element.outerHTML.slice(0, 120))).toBeGreaterThanOrEqual(44);
  }
  // Nothing sticks out sideways at 390 px.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  const host = new URL(MODEL_URL).host;
  const title = uniqueTitle("Via the compatible server");
  await page.goto("/tasks/new");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("What should Baton do?").fill("Say hello through the server set up on the Models page.");
  await expect(page.getByLabel("Model").locator("option", { hasText: `scripted at ${host}` })).toHaveCount(1);
  await page.getByLabel("Model").selectOption("openai-compatible/scripted");
  await page.getByRole("button", { name: "Start task" }).tap();
  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  const taskId = page.url().split("/").at(-1)!;
  const task = (await (await page.request.get(`/api/tasks/${taskId}`)).json()) as { task: { provider: string; model: string } };
  expect(task.task).toMatchObject({ provider: "openai-compatible", model: "scripted" });

  // Removing it takes it out of the picker again; the environment's model stays.
  await page.goto("/models");
  await page.getByTestId("provider-openai-compatible").getByRole("button", { name: "Remove" }).tap();
  await expect(page.getByTestId("openai-compatible-status")).toHaveCount(0);
  await page.goto("/tasks/new");
  await expect(page.getByLabel("Model").locator("option", { hasText: `scripted at ${host}` })).toHaveCount(0);
  await page.context().close();
});
