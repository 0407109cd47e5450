// The computer-use loop, one model turn at a time: the model's calls run on the page (each checked,
// guarded and put to a person as execute-call decides), their frames go back, until the model
// answers in text or the turn budget runs out. `onTurn` sees every turn as it completes: the seam
// where a durable workflow records the step (its frame, actions and results) for the timeline.
import { executeComputerCall, type ComputerEnvironment, type ComputerTurn } from "./execute-call";
import { captureFrame } from "./frame";
import type { ComputerModel } from "./computer-model";

export interface ComputerUseRun {
  turns: ComputerTurn[];
  /** The model's last text: its report of what it did. */
  text: string;
  stoppedBy: "model" | "turn budget";
}

export async function runComputerUse(
  env: ComputerEnvironment,
  model: ComputerModel,
  options: { goal: string; maxTurns: number; onTurn?: (turn: ComputerTurn) => Promise<void> | void },
): Promise<ComputerUseRun> {
  const turns: ComputerTurn[] = [];
  let seen = await env.session.run(() => captureFrame(env.page, env.maxFrame));
  let step = await model.start(options.goal, seen);
  while (step.calls.length > 0) {
    if (turns.length >= options.maxTurns) return { turns, text: step.text, stoppedBy: "turn budget" };
    const answered: ComputerTurn[] = [];
    for (const call of step.calls) {
      const turn = await executeComputerCall(env, call, seen);
      seen = turn.frame;
      answered.push(turn);
      turns.push(turn);
      await options.onTurn?.(turn);
    }
    step = await model.answer(answered);
  }
  return { turns, text: step.text, stoppedBy: "model" };
}
