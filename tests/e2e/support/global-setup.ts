// Runs once, after the web server answers its health check. It signs the owner in for the tests. The worker starts beside the web
// server and takes a few more seconds (DBOS launch): hand it one task and wait for the result, so
// the first test does not spend its time budget on start-up, and a broken worker fails here, once,
// with a message that says so.
import { request, type FullConfig } from "@playwright/test";
import { E2E_OWNER, OWNER_STATE, signInViaApi } from "./auth";

const WORKER_READY_TIMEOUT_MS = 120_000;

export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL = config.projects[0]?.use.baseURL;
  const api = await request.newContext({ baseURL });
  try {
    // Every test acts as the owner unless it signs someone else in.
    await signInViaApi(api, E2E_OWNER);
    await api.storageState({ path: OWNER_STATE });
    const created = await api.post("/api/tasks", {
      data: { title: "Warm-up (end-to-end tests)", prompt: "Check that the worker is running." },
      headers: { "Idempotency-Key": crypto.randomUUID() },
    });
    if (!created.ok()) throw new Error(`Could not create the warm-up task: ${created.status()} ${await created.text()}`);
    const { task } = (await created.json()) as { task: { id: string } };
    const deadline = Date.now() + WORKER_READY_TIMEOUT_MS;
    let status = "queued";
    while (Date.now() < deadline) {
      status = ((await (await api.get(`/api/tasks/${task.id}`)).json()) as { task: { status: string } }).task.status;
      if (status === "completed") return;
      if (status === "failed" || status === "canceled") break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`The worker did not complete the warm-up task (status: ${status}); see the [WebServer] output above.`);
  } finally {
    await api.dispose();
  }
}
