// Starting a PR handoff from its template through the HTTP route: bad fields come back as a 400
// naming each field; good ones make a task whose prompt carries the repository, the issue and the
// test command, and whose floor keeps push_branch and open_pull_request at "ask" even for a person
// whose own policy allows every external call.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { applyFloor, policyFor, setPolicyRule } from "@/lib/policy/risk-policy";
import { beginRun } from "@/lib/tasks/run-lifecycle";
import { createSignedInUser } from "../support/factories";

let owner: { userId: string; cookie: string };
let route: typeof import("@/app/api/templates/[templateId]/tasks/route");

beforeAll(async () => {
  owner = await createSignedInUser(db(), "Handoff owner");
  route = await import("@/app/api/templates/[templateId]/tasks/route");
});

afterAll(async () => {
  await db().$disconnect();
});

// The route starts the run through the engine; nothing here needs a worker, so it stays queued.
function start(templateId: string, fields: Record<string, unknown>) {
  const request = new Request(`http://127.0.0.1:3000/api/templates/${templateId}/tasks`, {
    method: "POST",
    headers: { host: "127.0.0.1:3000", cookie: owner.cookie, "content-type": "application/json" },
    body: JSON.stringify({ fields, provider: "demo", model: "scripted" }),
  });
  return route.POST(request, { params: Promise.resolve({ templateId }) });
}

describe("the PR handoff template", () => {
  it("refuses bad fields with a message under each one", async () => {
    const response = await start("pr-handoff", { repository: "ssh://git:hunter2@github.com/acme/widgets.git", baseBranch: "main..x", issue: " ", branchPrefix: "feature/" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { fieldErrors: Record<string, string[]> } };
    // An SSH remote is accepted (its key comes from an SSH key credential), but never one with a password in it.
    expect(body.error.fieldErrors.repository?.[0]).toMatch(/is not an SSH remote Baton accepts: use ssh:\/\/git@host\[:port\]\/path or git@host:path, with no password in it/);
    expect(body.error.fieldErrors.repository?.[0]).not.toContain("hunter2");
    expect(body.error.fieldErrors.baseBranch?.[0]).toMatch(/not a valid branch name/);
    expect(body.error.fieldErrors.issue?.[0]).toMatch(/Say what to fix/);
    expect(body.error.fieldErrors.branchPrefix?.[0]).toMatch(/Start the prefix with baton\//);
    expect(await db().task.count({ where: { userId: owner.userId } })).toBe(0);

    expect((await start("no-such-template", {})).status).toBe(404);
  });

  it("starts a task whose pushes ask even when the person allows every external call", async () => {
    const response = await start("pr-handoff", {
      repository: "https://github.com/acme/widgets.git",
      issue: "https://github.com/acme/widgets/issues/7",
      testCommand: "",
      credential: "github",
    });
    expect(response.status).toBe(201);
    const { task } = (await response.json()) as { task: { id: string; title: string } };
    expect(task.title).toBe("PR handoff: widgets");
    const stored = await db().task.findUniqueOrThrow({ where: { id: task.id }, include: { runs: true } });
    expect(stored.prompt).toContain("clone_repository (repository https://github.com/acme/widgets.git, baseBranch main, credential \"github\")");
    expect(stored.prompt).toContain("https://github.com/acme/widgets/issues/7");
    expect(stored.prompt).toContain("the command clone_repository reports the repository documents");
    expect(stored.prompt).toContain("branch starting with baton/");

    await setPolicyRule(db(), { userId: owner.userId, scope: "class", key: "external", decision: "allow" });
    const work = await beginRun(db(), stored.runs[0]!.id);
    for (const toolName of ["push_branch", "open_pull_request"]) {
      expect(await policyFor(db(), { userId: owner.userId, toolName, risk: "external" })).toBe("allow");
      expect(applyFloor(await policyFor(db(), { userId: owner.userId, toolName, risk: "external" }), work?.policyFloor, "external")).toBe("ask");
    }
  });
});
