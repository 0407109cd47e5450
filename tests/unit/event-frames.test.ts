import { describe, expect, test } from "vitest";
import type { FeedMessage } from "@/lib/live/change-feed";
import { eventFrames } from "@/lib/live/event-frames";

const owner = "0193a1f0-0000-7000-8000-000000000001";
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("event-stream frames of a feed batch", () => {
  test("are one frame per change, in order, without the owner a page has no use for", () => {
    const batch: FeedMessage[] = [
      { kind: "task", userId: owner, taskId: "t1", status: "running", title: "Brief «ready»", updatedAt: "2026-12-03T09:00:00.000Z" },
      { kind: "event", userId: owner, taskId: "t1", eventId: "42" },
    ];
    expect(text(eventFrames(batch))).toBe(
      'event: task\ndata: {"kind":"task","taskId":"t1","status":"running","title":"Brief «ready»","updatedAt":"2026-12-03T09:00:00.000Z"}\n\n' +
        'event: event\ndata: {"kind":"event","taskId":"t1","eventId":"42"}\n\n',
    );
    expect(text(eventFrames(batch))).not.toContain(owner);
  });

  test("say resync with no data to parse beyond an empty object", () => {
    expect(text(eventFrames([{ kind: "resync" }]))).toBe("event: resync\ndata: {}\n\n");
  });

  test("are encoded once for a batch, however many streams write it", () => {
    const batch: FeedMessage[] = [{ kind: "event", userId: owner, taskId: "t2", eventId: "7" }];
    expect(eventFrames(batch)).toBe(eventFrames(batch));
  });
});
