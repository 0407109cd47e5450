// How a playbook is cut for approvals: at each high-impact step. A browser is not kept open while
// a person decides, so every segment after the first starts in a fresh session and replays the
// safe steps that bring the page back: the safe prefix (sign-in) and the safe steps since the
// previous high-impact step (navigate to the invoice). Then it carries out the approved step and
// goes on to just before the next one, where the page as it is becomes that step's approval.
import { highImpactSteps } from "./step-risk";

export interface PlaybookSegment {
  /** Step indices in the order they run. */
  steps: number[];
  /** The high-impact step this segment carries out (approved before it started). */
  performs?: number;
  /** The high-impact step it stops before, which the next approval is about. */
  stopsBefore?: number;
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, offset) => from + offset);

/** Segment 0 runs up to the first high-impact step; segment k performs the k-th (1-based) and stops before the next. */
export function playbookSegment(playbook: { steps: readonly unknown[] } & Parameters<typeof highImpactSteps>[0], segment: number): PlaybookSegment {
  const checkpoints = highImpactSteps(playbook);
  const end = playbook.steps.length;
  const first = checkpoints[0] ?? end;
  if (segment < 0 || segment > checkpoints.length) throw new RangeError(`A playbook with ${checkpoints.length} high-impact steps has no segment ${segment}.`);
  const stopsBefore = checkpoints[segment];
  if (segment === 0) return { steps: range(0, first), ...(stopsBefore !== undefined ? { stopsBefore } : {}) };
  const performs = checkpoints[segment - 1]!;
  const previous = checkpoints[segment - 2];
  const replay = previous === undefined ? range(0, performs) : [...range(0, first), ...range(previous + 1, performs)];
  return { steps: [...replay, performs, ...range(performs + 1, stopsBefore ?? end)], performs, ...(stopsBefore !== undefined ? { stopsBefore } : {}) };
}
