// Which steps need a person and which may run again. A browser does not survive a crash; the steps
// before the first high-impact one only look or sign in, so an executor may repeat them freely,
// while a completed high-impact step must never run twice.
import type { RiskClass } from "@/lib/tools/types";

const HIGH_IMPACT: readonly RiskClass[] = ["external", "destructive"];

export function isHighImpact(risk: RiskClass): boolean {
  return HIGH_IMPACT.includes(risk);
}

/** Zero-based indices of the external and destructive steps: the ones the user's risk policy puts before a person. */
export function highImpactSteps(playbook: { steps: readonly { risk: RiskClass }[] }): number[] {
  return playbook.steps.flatMap((step, index) => (isHighImpact(step.risk) ? [index] : []));
}

/** The steps before the first high-impact one (all of them when there is none). */
export function safePrefix<Step extends { risk: RiskClass }>(playbook: { steps: readonly Step[] }): Step[] {
  const first = playbook.steps.findIndex((step) => isHighImpact(step.risk));
  return playbook.steps.slice(0, first === -1 ? undefined : first);
}
