import { describe, expect, it } from "vitest";
import { createdAtFromId } from "@/lib/live/task-patches";
import { uuidv7 } from "@/lib/ids/uuid-v7";

describe("uuidv7", () => {
  it("makes version-7 ids that lead with the time they were made", () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const madeAt = Date.parse(createdAtFromId(id)!);
    expect(madeAt).toBeGreaterThanOrEqual(before);
    expect(madeAt).toBeLessThanOrEqual(after);
  });

  it("only ever increases, even for many ids in one millisecond", () => {
    const ids = Array.from({ length: 20_000 }, () => uuidv7());

    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.toSorted()).toEqual(ids);
  });
});
