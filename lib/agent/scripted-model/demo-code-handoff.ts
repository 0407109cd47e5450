// The demo model's PR handoff, on the fixture repository Baton ships (lib/demo/demo-repository):
// clone, run the tests (they fail), read the cart, fix the one bug it knows, run the tests again
// (they pass), commit the patch, push after the person approves. With a forge (an https remote)
// it then opens the draft pull request; the local demo remote has no forge, so it says that the
// pull request step needs one instead of pretending. It is a script: on any other repository it
// stops after the failing tests and says what a real model would do.
import { PR_HANDOFF_OPENING } from "@/lib/code/pr-handoff-template";
import type { ToolCall } from "../providers/conversation";
import type { ScriptedReply } from "./script";

export { PR_HANDOFF_OPENING };

const FIXTURE_FILE = "repo/src/cart.js";
const BUG = "line.quantity);";
const FIX = "line.quantity, 0);";

interface Call {
  call: ToolCall;
  answer: { output: string } | null;
}

interface Handoff {
  repository: string;
  baseBranch: string;
  credential?: string;
  testCommand?: string;
  branchPrefix: string;
  /** The issue's URL on the forge, when the template was given one (read with read_issue first). */
  issueUrl?: string;
}

/** What the template's prompt (lib/code/pr-handoff-template.ts) says, read back. */
function readPrompt(prompt: string): Handoff | null {
  const clone = /clone_repository \(repository (\S+), baseBranch (\S+?)(?:, credential "([^"]+)")?\)/.exec(prompt);
  if (!clone) return null;
  const testCommand = /Run the tests with this command \(run_command, in the folder repo\): (.+?) Set testResults/.exec(prompt)?.[1];
  const branchPrefix = /on a branch starting with (\S+) and/.exec(prompt)?.[1] ?? "baton/";
  const issueUrl = /read it first with read_issue \(url (\S+?)(?:, credential "[^"]+")?\)/i.exec(prompt)?.[1];
  return { repository: clone[1]!, baseBranch: clone[2]!, credential: clone[3], testCommand, branchPrefix, issueUrl };
}

function json(answer: { output: string } | null): Record<string, unknown> | null {
  if (!answer) return null;
  try {
    const value: unknown = JSON.parse(answer.output);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const call = (name: string, args: Record<string, unknown>, text: string): ScriptedReply => ({ text, toolCalls: [{ name, arguments: args }] });

export function codeHandoffTurn(prompt: string, calls: readonly Call[], finish: (body: string) => ScriptedReply): ScriptedReply {
  const handoff = readPrompt(prompt);
  if (!handoff) return finish("# PR handoff\n\nThe demo model could not read the repository from this request.");
  const credential = handoff.credential ? { credential: handoff.credential } : {};
  const of = (name: string) => calls.filter((entry) => entry.call.name === name);
  // A tool that failed or was denied answers with text, not JSON: the walk-through stops there and says why.
  const failed = calls.find((entry) => entry.answer && json(entry.answer) === null);
  if (failed) return finish(`# PR handoff stopped\n\n${failed.call.name} did not go through: ${failed.answer!.output.slice(0, 500)}\n\nNothing more was pushed; the clone and any patch stay in the task's workspace.`);

  const issue = handoff.issueUrl ? json(of("read_issue")[0]?.answer ?? null) : null;
  if (handoff.issueUrl && !issue) return call("read_issue", { url: handoff.issueUrl, ...credential }, `Reading the issue ${handoff.issueUrl}.`);
  const clone = json(of("clone_repository")[0]?.answer ?? null);
  if (!clone) return call("clone_repository", { repository: handoff.repository, baseBranch: handoff.baseBranch, ...credential }, `Cloning ${handoff.repository}.`);
  const detected = clone.testCommand as { command?: string; source?: string } | null | undefined;
  const testCommand = handoff.testCommand ?? detected?.command;
  if (!testCommand) return finish("# PR handoff\n\nThe repository documents no test command and none was given, so the demo model stops here.");
  const runs = of("run_command");
  const from = handoff.testCommand ? "as you asked" : `as the repository's ${detected?.source ?? "files"} says`;
  if (runs.length === 0) return call("run_command", { command: testCommand, cwd: "repo", testResults: "before" }, `Running the tests with ${testCommand} (${from}).`);
  const before = json(runs[0]!.answer);
  if (!before) return finish("# PR handoff\n\nThe test run gave no result the demo model can read.");
  if (before.exitCode === 0) return finish(`# PR handoff\n\nThe tests already pass (${testCommand}), so there is nothing to fix.`);

  const read = json(of("read_file")[0]?.answer ?? null);
  if (!read) return call("read_file", { path: FIXTURE_FILE }, "The tests fail. Reading the code under test.");
  const source = typeof read.content === "string" ? read.content : "";
  if (!source.includes(BUG)) {
    return finish(`# PR handoff\n\nThe tests fail (see test-results-before.md). The demo model is a script that only knows how to fix Baton's fixture repository; a real model would read the failures and the code and propose a fix.`);
  }
  if (of("write_file").length === 0) return call("write_file", { path: FIXTURE_FILE, content: source.replace(BUG, FIX) }, "An empty cart has no first line to start the sum from: starting the total at 0.");
  if (runs.length === 1) return call("run_command", { command: testCommand, cwd: "repo", testResults: "after" }, "Running the tests again.");
  const after = json(runs[1]!.answer);
  if (after?.exitCode !== 0) return finish("# PR handoff\n\nThe tests still fail after the change (see test-results-after.md); nothing is pushed.");

  const branch = `${handoff.branchPrefix}fix-empty-cart`;
  const patch = json(of("propose_patch")[0]?.answer ?? null);
  if (!patch) return call("propose_patch", { branch, baseBranch: handoff.baseBranch, message: "Start an empty cart's total at 0" }, "The tests pass. Committing the patch.");
  const commit = String(patch.commit ?? "");
  const pushed = json(of("push_branch")[0]?.answer ?? null);
  if (!pushed) {
    return call("push_branch", { repository: handoff.repository, branch, baseBranch: handoff.baseBranch, commit, ...credential }, `Pushing ${commit.slice(0, 7)} to ${branch}: it leaves Baton, so Baton asks you first.`);
  }
  const tests = "The tests failed before the change and pass after it (test-results-before.md, test-results-after.md).";
  if (!/^https?:\/\//.test(handoff.repository)) {
    return finish(
      `# PR handoff\n\nPushed ${commit.slice(0, 7)} to ${branch} on ${handoff.repository}. ${tests}\n\nThis remote is a plain git repository with no forge behind it, so there is no pull request to open: with a GitHub repository and its token saved under More → Credentials, the next step opens a draft pull request.`,
    );
  }
  const pull = json(of("open_pull_request")[0]?.answer ?? null);
  if (!pull) {
    const fixes = issue ? `Fixes ${handoff.issueUrl} (${String(issue.title)}): ` : "Fixes ";
    const body = `${fixes}the empty cart's total (it threw on an empty cart).\n\n${tests}`;
    return call("open_pull_request", { repository: handoff.repository, branch, baseBranch: handoff.baseBranch, title: "Start an empty cart's total at 0", body, ...credential }, "Opening the draft pull request.");
  }
  return finish(`# PR handoff\n\nDraft pull request #${String(pull.number)}: ${String(pull.url)}\n\nBranch ${branch}, commit ${commit.slice(0, 7)}. ${tests}`);
}
