// A calendar is untrusted input: reading one must neither run unbounded nor hold the worker's
// event loop (every task on the worker shares it). A WorkBudget counts the time spent working,
// hands the loop back every few milliseconds, and says when the work has run out of time.
import { setImmediate as yieldToEventLoop } from "node:timers/promises";

const SLICE_MS = 10;
const CHECK_EVERY = 64;

export class WorkBudget {
  private spentMs = 0;
  private sliceStart = performance.now();
  private sinceCheck = 0;

  constructor(readonly limitMs: number) {}

  /** Work done so far, in milliseconds, not counting time spent yielded. */
  get elapsedMs(): number {
    return this.spentMs + (performance.now() - this.sliceStart);
  }

  get exhausted(): boolean {
    return this.elapsedMs >= this.limitMs;
  }

  /** Call once per unit of work; awaiting it yields to the event loop when a slice is used up. */
  async step(): Promise<void> {
    if (++this.sinceCheck < CHECK_EVERY) return;
    this.sinceCheck = 0;
    const now = performance.now();
    if (now - this.sliceStart < SLICE_MS) return;
    this.spentMs += now - this.sliceStart;
    await yieldToEventLoop();
    this.sliceStart = performance.now();
  }
}
