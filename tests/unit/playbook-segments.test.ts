import { describe, expect, test } from "vitest";
import { playbookSegment } from "@/lib/playbooks/segments";
import type { RiskClass } from "@/lib/tools/types";

/** A playbook whose steps have these risks, e.g. "rrrer": high-impact step at index 3. */
function playbook(risks: string) {
  const names: Record<string, RiskClass> = { r: "read", w: "write", e: "external", d: "destructive" };
  return { steps: [...risks].map((letter) => ({ risk: names[letter]! })) };
}

describe("cutting a playbook at its high-impact steps", () => {
  test("no high-impact step: one segment runs everything", () => {
    expect(playbookSegment(playbook("rrw"), 0)).toEqual({ steps: [0, 1, 2] });
    expect(() => playbookSegment(playbook("rrw"), 1)).toThrow(RangeError);
  });

  test("one payment: sign in and navigate, ask; then replay those, pay once and check", () => {
    const pay = playbook("rrrrer");
    expect(playbookSegment(pay, 0)).toEqual({ steps: [0, 1, 2, 3], stopsBefore: 4 });
    expect(playbookSegment(pay, 1)).toEqual({ steps: [0, 1, 2, 3, 4, 5], performs: 4 });
  });

  test("two high-impact steps: the second segment replays the sign-in and the safe steps since the first, never the first itself", () => {
    // sign in (0, 1), pay (2), open the next invoice (3), delete it (4), check (5)
    const two = playbook("rrerdr");
    expect(playbookSegment(two, 0)).toEqual({ steps: [0, 1], stopsBefore: 2 });
    expect(playbookSegment(two, 1)).toEqual({ steps: [0, 1, 2, 3], performs: 2, stopsBefore: 4 });
    expect(playbookSegment(two, 2)).toEqual({ steps: [0, 1, 3, 4, 5], performs: 4 });
  });

  test("back-to-back high-impact steps", () => {
    const pair = playbook("reer");
    expect(playbookSegment(pair, 1)).toEqual({ steps: [0, 1], performs: 1, stopsBefore: 2 });
    expect(playbookSegment(pair, 2)).toEqual({ steps: [0, 2, 3], performs: 2 });
  });
});
