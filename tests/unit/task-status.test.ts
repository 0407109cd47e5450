import { describe, expect, it } from "vitest";
import { canTransition, isTerminal, statusesLeadingTo, TASK_STATUSES } from "@/lib/tasks/status";

describe("task state machine", () => {
  it("follows queued → running → waiting_approval ⇄ running → a terminal status", () => {
    expect(canTransition("queued", "running")).toBe(true);
    expect(canTransition("running", "waiting_approval")).toBe(true);
    expect(canTransition("waiting_approval", "running")).toBe(true);
    for (const end of ["completed", "failed", "canceled"] as const) expect(canTransition("running", end)).toBe(true);
  });

  it("refuses moves a person would find wrong", () => {
    expect(canTransition("completed", "canceled")).toBe(false);
    expect(canTransition("completed", "running")).toBe(false);
    expect(canTransition("completed", "failed")).toBe(false);
    expect(canTransition("queued", "completed")).toBe(false);
    expect(canTransition("canceled", "running")).toBe(false);
  });

  it("lets finished tasks go back to the queue (a retry or a follow-up starts a new run)", () => {
    expect(statusesLeadingTo("queued").sort()).toEqual(["canceled", "completed", "failed"]);
  });

  it("can cancel only unfinished tasks", () => {
    expect(statusesLeadingTo("canceled").sort()).toEqual(["queued", "running", "waiting_approval"]);
  });

  it("names exactly three terminal statuses", () => {
    expect(TASK_STATUSES.filter(isTerminal)).toEqual(["completed", "failed", "canceled"]);
  });
});
