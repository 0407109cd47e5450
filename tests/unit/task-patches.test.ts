import { describe, expect, it } from "vitest";
import { liveChangeSchema } from "@/lib/live/changes";
import { applyTaskChange, createdAtFromId, freshest, taskPatches } from "@/lib/live/task-patches";

const change = (status: "queued" | "running" | "completed", updatedAt: string) =>
  ({ kind: "task", taskId: "01a23520-915e-755e-8004-c745d99e9ea9", status, title: "Brief", updatedAt }) as const;

describe("the live patch store", () => {
  it("keeps the newest change of a task, whatever order they arrive in", () => {
    applyTaskChange(change("running", "2026-12-02T05:00:00.200Z"));
    const afterRunning = taskPatches();
    applyTaskChange(change("queued", "2026-12-02T05:00:00.100Z"));
    expect(taskPatches()).toBe(afterRunning);
    applyTaskChange(change("completed", "2026-12-02T05:00:01.700Z"));
    expect(taskPatches().get(change("queued", "").taskId)?.status).toBe("completed");
  });

  it("lets a page show the fresher of its render and the stream", () => {
    const patch = { taskId: "t", status: "running", title: "Brief", updatedAt: "2026-12-02T05:00:00.200Z" } as const;
    // A refresh that left before the change landed after it: the change stays on screen.
    expect(freshest({ status: "queued", updatedAt: "2026-12-02T05:00:00.100Z" }, patch).status).toBe("running");
    // A render newer than the last event the page heard wins.
    expect(freshest({ status: "completed", updatedAt: "2026-12-02T05:00:02.000Z" }, patch).status).toBe("completed");
    expect(freshest({ status: "queued", updatedAt: "2026-12-02T05:00:00.100Z" }, undefined).status).toBe("queued");
  });

  it("reads a task's creation time from its UUIDv7 id", () => {
    expect(createdAtFromId("01a23520-915e-755e-8004-c745d99e9ea9")).toBe(new Date(0x01a23520915e).toISOString());
    expect(createdAtFromId("3f2504e0-4f89-41d3-9a0c-0305e82c3301")).toBeNull();
  });
});

describe("change events", () => {
  it("reads the triggers' zoneless timestamps as UTC and refuses unknown statuses", () => {
    const parsed = liveChangeSchema.parse({ kind: "task", taskId: "t", status: "running", title: "Brief", updatedAt: "2026-12-02T05:00:00.123" });
    expect(parsed).toMatchObject({ updatedAt: "2026-12-02T05:00:00.123Z" });
    expect(liveChangeSchema.safeParse({ kind: "task", taskId: "t", status: "exploded", title: "Brief", updatedAt: "2026-12-02T05:00:00" }).success).toBe(false);
    expect(liveChangeSchema.safeParse({ kind: "task", taskId: "t", status: "running", title: "Brief", updatedAt: "soon" }).success).toBe(false);
  });
});
