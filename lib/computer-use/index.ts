// Computer use (issue 14): the model drives the isolated browser from screenshots. Both providers'
// wire shapes normalised into one action type, exact frame scaling, per-action risk read from the
// page, the stale-click guard, and an executor on a lib/browser session.
export * from "./action";
export * from "./action-risk";
export * from "./anthropic-computer";
export * from "./execute-call";
export * from "./frame";
export * from "./openai-computer";
export * from "./stale-click";
export * from "./computer-model";
export * from "./run-computer-use";
