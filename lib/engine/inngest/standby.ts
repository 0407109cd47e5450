// With BATON_ENGINE=inngest no worker runs the durable work: the Inngest server calls
// /api/inngest for tasks, the schedule tick and push delivery. `npm start` still starts the worker
// process; it checks the Inngest settings (a missing key stops the start with its name), says
// where the work happens, and stays idle until stopped, so the supervisor does not restart it.
import { inngestSettings } from "./settings";

export async function standByForInngest(log: (line: string) => void = console.log): Promise<void> {
  const { mode, serverUrl } = inngestSettings();
  log(`[worker] BATON_ENGINE=inngest: no DBOS worker runs here; the Inngest server (${mode} mode, ${serverUrl}) calls /api/inngest instead`);
  const idle = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  clearInterval(idle);
}
