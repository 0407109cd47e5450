// Watches, inside a page, when live changes arrive and when the screen shows them: every "task"
// message of the page's SSE stream (as it reaches the browser, before the app handles it) and every
// status a task's chip shows (a MutationObserver, then the next animation frame: the paint that
// shows it). Times are epoch milliseconds, comparable between pages of one machine.
import type { BrowserContext, Page } from "@playwright/test";

export interface ProbeEvent {
  at: number;
  taskId: string;
  status: string;
  /**
   * When the row was written (the notification's updatedAt, set by the writer): the notification
   * itself leaves at commit, so this also counts the rest of the writer's transaction.
   */
  writtenAt: number;
}

export interface ProbeState {
  taskId: string;
  status: string;
  /** When the DOM first showed this status for this task (since its previous one). */
  domAt: number;
  /** The animation frame after that: when it was painted. */
  paintAt: number;
}

export interface ProbeRecord {
  events: ProbeEvent[];
  states: ProbeState[];
  /** How long each server re-render (router.refresh()'s RSC request) took, in ms. */
  refreshes: number[];
}

declare global {
  interface Window {
    __liveProbe?: ProbeRecord;
  }
}

/** Installs the probe in every page the context opens from now on. */
export async function installLiveProbe(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const record: ProbeRecord = { events: [], states: [], refreshes: [] };
    window.__liveProbe = record;
    const now = () => performance.timeOrigin + performance.now();
    // Postgres sends timestamp(3) without a zone; Baton stores UTC.
    const utc = (text: string) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);

    const NativeEventSource = window.EventSource;
    window.EventSource = class extends NativeEventSource {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        // Added before any listener of the app's, so it sees the message first.
        this.addEventListener("task", (event) => {
          const data = JSON.parse((event as MessageEvent<string>).data) as { taskId: string; status: string; updatedAt: string };
          record.events.push({ at: now(), taskId: data.taskId, status: data.status, writtenAt: utc(data.updatedAt) });
        });
      }
    };

    // The router's own requests for this page (refreshes), told apart from link prefetches and
    // server actions by their headers; their durations come from Resource Timing when read.
    const nativeFetch = window.fetch;
    const refreshUrls = new Set<string>();
    Object.assign(window, { __liveProbeRefreshUrls: refreshUrls });
    window.fetch = (input, init) => {
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      if (headers.get("rsc") === "1" && !headers.has("next-router-prefetch") && !headers.has("next-action")) {
        refreshUrls.add(new URL(input instanceof Request ? input.url : input.toString(), location.href).href);
      }
      return nativeFetch(input, init);
    };

    const shown = new Map<string, string>();
    const pageTaskId = () => /^\/tasks\/([0-9a-f-]{36})$/.exec(location.pathname)?.[1];
    const scan = () => {
      const domAt = now();
      const fresh: ProbeState[] = [];
      for (const chip of document.querySelectorAll<HTMLElement>('[data-testid="status-chip"]')) {
        const taskId = chip.closest<HTMLElement>("[data-task-id]")?.dataset.taskId ?? pageTaskId();
        const status = chip.dataset.status;
        if (!taskId || !status || shown.get(taskId) === status) continue;
        shown.set(taskId, status);
        fresh.push({ taskId, status, domAt, paintAt: domAt });
      }
      if (fresh.length === 0) return;
      record.states.push(...fresh);
      requestAnimationFrame(() => {
        const paintAt = now();
        for (const state of fresh) state.paintAt = paintAt;
      });
    };
    new MutationObserver(scan).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
  });
}

export async function readProbe(page: Page): Promise<ProbeRecord> {
  return page.evaluate(() => {
    const record = window.__liveProbe ?? { events: [], states: [], refreshes: [] };
    const urls = (window as { __liveProbeRefreshUrls?: Set<string> }).__liveProbeRefreshUrls ?? new Set<string>();
    const rsc = performance.getEntriesByType("resource").filter((entry) => urls.has(entry.name) && new URL(entry.name).pathname === location.pathname);
    return { ...record, refreshes: rsc.map((entry) => entry.duration) };
  });
}

/** The statuses a page showed for a task, in order. */
export async function statesShown(page: Page, taskId: string): Promise<string[]> {
  return (await readProbe(page)).states.filter((state) => state.taskId === taskId).map((state) => state.status);
}

export interface LatencyRow {
  screen: string;
  status: string;
  /** SSE message reached the browser → painted. */
  eventToPaint: number;
  /** Row written → painted. */
  writeToPaint: number;
}

/**
 * Pairs each status a screen showed with the SSE message that announced it (the latest one for
 * that status before it was shown). A status shown with no message before it (the server rendered
 * it) has no latency to report.
 */
export function latencies(screen: string, record: ProbeRecord, taskId: string): LatencyRow[] {
  const events = record.events.filter((event) => event.taskId === taskId);
  return record.states
    .filter((state) => state.taskId === taskId)
    .flatMap((state) => {
      const event = events.findLast((candidate) => candidate.status === state.status && candidate.at <= state.domAt);
      if (!event) return [];
      return [{ screen, status: state.status, eventToPaint: state.paintAt - event.at, writeToPaint: state.paintAt - event.writtenAt }];
    });
}

/** Announced statuses with consecutive repeats collapsed (a row may change without changing status). */
export function announcedStatuses(record: ProbeRecord, taskId: string): string[] {
  const statuses = record.events.filter((event) => event.taskId === taskId).map((event) => event.status);
  return statuses.filter((status, index) => status !== statuses[index - 1]);
}

/** The announced statuses a screen skipped: those not matched, in order, by what it showed. */
export function notShown(announced: string[], shown: string[]): string[] {
  let next = 0;
  return announced.filter((status) => {
    const at = shown.indexOf(status, next);
    if (at === -1) return true;
    next = at + 1;
    return false;
  });
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};

/** How long the task stayed in each state, from one write to the next: "queued 62 ms, running 1630 ms, …". */
export function stateDurations(record: ProbeRecord, taskId: string): string {
  const events = record.events.filter((event) => event.taskId === taskId);
  const changes = events.filter((event, index) => index === 0 || event.status !== events[index - 1]!.status);
  return changes
    .slice(0, -1)
    .map((event, index) => `${event.status} ${Math.round(changes[index + 1]!.writtenAt - event.writtenAt)} ms`)
    .join(", ");
}

/** "5 refreshes, p50 180 ms, max 420 ms": what the server re-renders behind the patches cost. */
export function refreshSummary(screen: string, record: ProbeRecord): string {
  const durations = record.refreshes;
  if (durations.length === 0) return `${screen}: no refreshes`;
  return `${screen}: ${durations.length} refreshes, p50 ${Math.round(percentile(durations, 50))} ms, max ${Math.round(Math.max(...durations))} ms`;
}

export function timingReport(title: string, rows: LatencyRow[], missed: string[]): string {
  const ms = (value: number) => `${Math.round(value)} ms`.padStart(8);
  const lines = [
    title,
    `${"screen".padEnd(16)}${"status".padEnd(18)}${"event→paint".padStart(12)}${"write→paint".padStart(14)}`,
    ...rows.map((row) => `${row.screen.padEnd(16)}${row.status.padEnd(18)}${ms(row.eventToPaint).padStart(12)}${ms(row.writeToPaint).padStart(14)}`),
  ];
  const eventToPaint = rows.map((row) => row.eventToPaint);
  const writeToPaint = rows.map((row) => row.writeToPaint);
  if (rows.length > 0) {
    lines.push(`${"p50".padEnd(34)}${ms(percentile(eventToPaint, 50)).padStart(12)}${ms(percentile(writeToPaint, 50)).padStart(14)}`);
    lines.push(`${"max".padEnd(34)}${ms(Math.max(...eventToPaint)).padStart(12)}${ms(Math.max(...writeToPaint)).padStart(14)}`);
  }
  for (const line of missed) lines.push(`never shown: ${line}`);
  return lines.join("\n");
}
