import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { bindPlaybook, type BoundPlaybook } from "@/lib/playbooks/bind-playbook";
import { describeStep } from "@/lib/playbooks/describe-step";
import { listPlaybooks, loadPlaybook, type PlaybookFolders } from "@/lib/playbooks/load-playbooks";
import { describePlaybooksForModel, runPlaybookInputSchema } from "@/lib/playbooks/run-playbook-input";
import type { Playbook } from "@/lib/playbooks/schema";
import { highImpactSteps, safePrefix } from "@/lib/playbooks/step-risk";
import { parsePlaybook } from "@/lib/playbooks/validate-playbook";

const repositoryFolder = path.resolve("playbooks");
const fixtures = path.resolve("tests/fixtures/playbooks");

async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
}

async function validPlaybook(file: string): Promise<Playbook> {
  const parsed = parsePlaybook(await readJson(file));
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  return parsed.playbook;
}

function bound(playbook: Playbook, parameters: Record<string, unknown>): BoundPlaybook {
  const result = bindPlaybook(playbook, parameters);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.value;
}

type RawPlaybook = Record<string, unknown> & { steps: unknown[] };

/** The monthly-report fixture changed in one place: for rules a whole file would only repeat. */
async function variant(change: (raw: RawPlaybook) => void) {
  const raw = (await readJson(path.join(fixtures, "monthly-report.json"))) as RawPlaybook;
  change(raw);
  return parsePlaybook(raw);
}

function withStep(index: number, step: Record<string, unknown>) {
  return variant((raw) => {
    raw.steps[index] = step;
  });
}

/** A valid playbook on the fixture's origin with only these parameters and steps. */
async function playbookOf(parameters: Record<string, unknown>, steps: Record<string, unknown>[]): Promise<Playbook> {
  const parsed = await variant((raw) => Object.assign(raw, { parameters, steps }));
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  return parsed.playbook;
}

const text = { type: "string" };

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function tempFolders(): Promise<PlaybookFolders> {
  const root = await mkdtemp(path.join(tmpdir(), "baton-playbooks-"));
  folders.push(root);
  const result = { repository: path.join(root, "repository"), data: path.join(root, "data") };
  await mkdir(result.repository);
  await mkdir(result.data);
  return result;
}

describe("the example playbooks", () => {
  it("validate, and the export runs sign-in, TOTP, the month filter and the CSV download for the month given", async () => {
    const { playbooks, problems } = await listPlaybooks({ repository: repositoryFolder, data: path.join(fixtures, "no-such-folder") });
    expect(problems).toEqual([]);
    expect(playbooks.map((entry) => entry.playbook.id)).toEqual(["export-invoices", "pay-invoice", "portal-weekly-metrics"]);

    const run = bound(playbooks[0]!.playbook, { month: "2026-10" });
    const lines = run.steps.map(describeStep);
    expect(lines).toContain("Fill “Authentication code” with a one-time code from billing-portal");
    expect(lines).toContain("Choose “2026-10” in #month");
    expect(lines.at(-1)).toBe("Download invoices-2026-10.csv by clicking “Export CSV”");
    expect(run.steps.find((step) => step.action.type === "waitFor" && step.action.url)?.action).toMatchObject({ url: "http://127.0.0.1:4610/invoices?month=2026-10" });
  });

  it("mark paying as the one high-impact step; everything before it is safe to repeat", async () => {
    const pay = await validPlaybook(path.join(repositoryFolder, "pay-invoice.json"));
    const exportInvoices = await validPlaybook(path.join(repositoryFolder, "export-invoices.json"));

    const [payStep] = highImpactSteps(pay);
    expect(highImpactSteps(pay)).toHaveLength(1);
    expect(pay.steps[payStep!]).toMatchObject({ risk: "external", intent: "Pay invoice {{invoice}}" });
    expect(safePrefix(pay)).toEqual(pay.steps.slice(0, payStep));
    expect(safePrefix(pay).every((step) => step.risk === "read")).toBe(true);

    expect(highImpactSteps(exportInvoices)).toEqual([]);
    expect(safePrefix(exportInvoices)).toEqual(exportInvoices.steps);
  });

  it("show an approval exactly which invoice will be paid", async () => {
    const pay = bound(await validPlaybook(path.join(repositoryFolder, "pay-invoice.json")), { month: "2026-09", invoice: "INV-1004" });
    const step = pay.steps[highImpactSteps(pay)[0]!]!;
    expect(step.intent).toBe("Pay invoice INV-1004");
    expect(describeStep(step)).toBe("Click #pay-INV-1004");
  });
});

describe("an invalid playbook file", () => {
  const cases: [file: string, message: string][] = [
    ["bad-origin", "origins[0] ftp://billing.example.com is not an http(s) origin"],
    [
      "outside-origins",
      "step 3 (Open the invoice list): url https://evil.example/invoices?month={{month}} is outside the playbook's origins (https://billing.example.com)",
    ],
    ["unknown-parameter", "step 3 (Open the invoice list): url uses {{monht}}, which is not one of the playbook's parameters (month)"],
    [
      "credential-outside-fill",
      "step 3 (Open the invoice list): url uses {{credential.username}}: credential placeholders are allowed only in a fill's value",
    ],
    ["bad-risk", 'step 5 (Save the table): risk must be one of read, write, external, destructive (got "harmless")'],
    ["long-timeout", "step 4 (Wait for the table): timeoutMs must be at most 30000 ms (30 s)"],
    ["unsafe-save-as", "step 5 (Save the table): saveAs ../x.csv is not a safe file name: letters, digits, dots, hyphens and underscores, no folders"],
  ];

  it.each(cases)("%s says what is wrong and where", async (file, message) => {
    const parsed = parsePlaybook(await readJson(path.join(fixtures, "invalid", `${file}.json`)));
    expect(parsed).toEqual({ ok: false, errors: [message] });
  });

  it("cannot let a parameter choose the site, even glued to an allowed origin", async () => {
    for (const url of ["{{month}}/invoices", "https://billing.example.com{{month}}/x", "//evil.example/{{month}}"]) {
      const parsed = await withStep(2, { intent: "Open the invoice list", risk: "read", goto: { url } });
      expect(parsed.ok ? [] : parsed.errors).toEqual([expect.stringMatching(/^step 3 \(Open the invoice list\): url .*(cannot choose the site|single \/)/)]);
    }
  });

  it("types a credential only as a whole value, and only when the playbook names one", async () => {
    const glued = await withStep(1, { intent: "Enter the password", risk: "read", fill: { label: "Password", value: "x{{credential.password}}" } });
    expect(glued.ok ? [] : glued.errors).toEqual(["step 2 (Enter the password): value must be {{credential.password}} alone: a secret is typed as it is stored"]);

    const unnamed = await variant((raw) => {
      delete raw.credential;
    });
    expect(unnamed.ok ? [] : unnamed.errors).toEqual(["step 2 (Enter the password): value uses {{credential.password}} but the playbook names no credential"]);
  });

  it("names the step's fields it does not know, and steps with two actions", async () => {
    const typo = await withStep(0, { intent: "Open the sign-in page", risk: "read", goTo: { url: "/login" } });
    expect(typo.ok ? [] : typo.errors[0]).toMatch(/^step 1 \(Open the sign-in page\): has unknown field goTo \(a step has intent, risk and one action: goto, fill/);
    const two = await withStep(0, { intent: "Open and click", risk: "read", goto: { url: "/login" }, click: { text: "Sign in" } });
    expect(two.ok ? [] : two.errors).toEqual(["step 1 (Open and click): has more than one action (goto, click): split it into steps"]);
  });

  it("keeps the name credential for the credential's placeholders", async () => {
    const parsed = await variant((raw) => {
      raw.parameters = { credential: { type: "string" } };
    });
    expect(parsed.ok ? [] : parsed.errors).toEqual(["parameter credential: is reserved for the {{credential.…}} placeholders"]);
  });

  it("keeps origins as the browser compares them", async () => {
    const parsed = await variant((raw) => {
      raw.origins = ["HTTPS://Billing.Example.com:443/"];
    });
    expect(parsed.ok && parsed.playbook.origins).toEqual(["https://billing.example.com"]);

    const withPath = await variant((raw) => {
      raw.origins = ["https://billing.example.com/app"];
    });
    expect(withPath.ok ? [] : withPath.errors).toEqual(["origins[0] https://billing.example.com/app is more than an origin: write only https://billing.example.com"]);
  });
});

describe("binding parameters", () => {
  it("checks each value against its type and says what was expected", async () => {
    const playbook = await validPlaybook(path.join(fixtures, "monthly-report.json"));
    expect(bindPlaybook(playbook, {})).toEqual({ ok: false, errors: ["parameter month is required (a month like 2026-09)"] });
    expect(bindPlaybook(playbook, { month: "September", year: 2026 })).toEqual({
      ok: false,
      errors: ["parameter year is not one of this playbook's parameters (month)", 'parameter month must be a month like 2026-09 (got "September")'],
    });
  });

  it("keeps a value that leaves the origin inside it: parameters are encoded in URLs", async () => {
    const playbook = await playbookOf({ report: text }, [{ intent: "Open a report", risk: "read", goto: { url: "/{{report}}" } }]);
    expect(bound(playbook, { report: "/evil.example/steal" }).steps[0]!.action).toMatchObject({ url: "https://billing.example.com/%2Fevil.example%2Fsteal" });
  });

  it("refuses a value that would change what a selector selects or where a file lands", async () => {
    const pay = await playbookOf({ invoice: text }, [{ intent: "Pay invoice {{invoice}}", risk: "external", click: { selector: "#pay-{{invoice}}" } }]);
    expect(bound(pay, { invoice: "INV-1004" }).steps[0]!.action).toMatchObject({ selector: "#pay-INV-1004" });
    expect(bindPlaybook(pay, { invoice: 'x"], #delete-all, [id="' })).toEqual({
      ok: false,
      errors: ['step 1 (Pay invoice {{invoice}}): selector cannot take {{invoice}} = "x\\"], #delete-all, [id=\\"": a selector takes only letters, digits and . _ : -'],
    });

    const save = await playbookOf({ name: text }, [{ intent: "Save the table", risk: "write", extractTable: { selector: "#invoices", saveAs: "{{name}}.csv" } }]);
    expect(bindPlaybook(save, { name: "../../secret" })).toEqual({ ok: false, errors: ["step 1 (Save the table): saveAs ../../secret.csv is not a safe file name"] });
  });

  it("uses a parameter's default, and takes a number given as text", async () => {
    const playbook = await playbookOf({ month: { type: "month", default: "2026-11" }, page: { type: "number", default: 1 } }, [
      { intent: "Open the invoice list", risk: "read", goto: { url: "/invoices?month={{month}}&page={{page}}" } },
    ]);
    expect(bound(playbook, { page: "3" }).steps[0]!.action).toMatchObject({ url: "https://billing.example.com/invoices?month=2026-11&page=3" });
  });
});

describe("rendering a step", () => {
  it("never produces a secret: credentials stay markers, and a value that looks like one stays text", async () => {
    const playbook = await validPlaybook(path.join(repositoryFolder, "export-invoices.json"));
    const run = bound(playbook, { month: "2026-09" });
    const fills = run.steps.flatMap((step) => (step.action.type === "fill" ? [step.action.value] : []));
    expect(fills).toEqual([
      { credential: { name: "billing-portal", field: "username" } },
      { credential: { name: "billing-portal", field: "password" } },
      { credential: { name: "billing-portal", field: "totp" } },
    ]);
    expect(run.steps.map(describeStep)).toContain("Fill “Password” with ••••••");

    const smuggling = await playbookOf({ note: text }, [{ intent: "Type a note", risk: "read", fill: { selector: "#note", value: "{{note}}" } }]);
    const step = bound(smuggling, { note: "{{credential.password}}" }).steps[0]!;
    expect(step.action).toMatchObject({ value: { text: "{{credential.password}}" } });
    expect(describeStep(step)).toBe("Fill #note with “{{credential.password}}”");
  });
});

describe("loading playbooks from the repository and the data folder", () => {
  async function writePlaybook(folder: string, version: number, title: string) {
    const raw = await readJson(path.join(fixtures, "monthly-report.json"));
    await writeFile(path.join(folder, "monthly-report.json"), JSON.stringify({ ...raw, version, title }));
  }

  it("takes the higher version, the data folder's copy on a tie, and reports the copy it ignores", async () => {
    const tie = await tempFolders();
    await writePlaybook(tie.repository, 2, "Shipped");
    await writePlaybook(tie.data, 2, "Local copy");
    expect((await loadPlaybook("monthly-report", tie)).playbook.title).toBe("Local copy");

    const newerData = await tempFolders();
    await writePlaybook(newerData.repository, 1, "Shipped");
    await writePlaybook(newerData.data, 3, "Local copy");
    expect((await loadPlaybook("monthly-report", newerData)).playbook.title).toBe("Local copy");

    const stale = await tempFolders();
    await writePlaybook(stale.repository, 4, "Shipped");
    await writePlaybook(stale.data, 3, "Local copy");
    expect((await loadPlaybook("monthly-report", stale)).folder).toBe("repository");
    const { playbooks, problems } = await listPlaybooks(stale);
    expect(playbooks.map((entry) => entry.playbook.title)).toEqual(["Shipped"]);
    expect(problems).toEqual([
      { file: path.join(stale.data, "monthly-report.json"), errors: [`is ignored: ${path.join(stale.repository, "monthly-report.json")} has version 4 (this file has 3)`] },
    ]);
  });

  it("skips a broken file and says which and why, still listing the others", async () => {
    const catalog = await tempFolders();
    await cp(repositoryFolder, catalog.repository, { recursive: true });
    await writeFile(path.join(catalog.data, "half-written.json"), '{ "id": "half-written", ');
    await cp(path.join(fixtures, "invalid", "long-timeout.json"), path.join(catalog.data, "long-timeout.json"));
    await cp(path.join(fixtures, "monthly-report.json"), path.join(catalog.data, "renamed.json"));
    await writeFile(path.join(catalog.data, "notes.txt"), "not a playbook");

    const { playbooks, problems } = await listPlaybooks(catalog);
    expect(playbooks.map((entry) => entry.playbook.id)).toEqual(["export-invoices", "pay-invoice", "portal-weekly-metrics"]);
    expect(problems).toEqual([
      { file: path.join(catalog.data, "half-written.json"), errors: [expect.stringMatching(/^is not JSON: /)] },
      { file: path.join(catalog.data, "long-timeout.json"), errors: ["step 4 (Wait for the table): timeoutMs must be at most 30000 ms (30 s)"] },
      { file: path.join(catalog.data, "renamed.json"), errors: ["holds the id monthly-report: name the file monthly-report.json"] },
    ]);

    await expect(loadPlaybook("long-timeout", catalog)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("long-timeout.json: step 4 (Wait for the table): timeoutMs must be at most 30000 ms (30 s)"),
    });
  });

  it("treats an id that is not a slug as no playbook, without touching the disk", async () => {
    const catalog = await tempFolders();
    await expect(loadPlaybook("../repository/export-invoices", catalog)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("what the model sees", () => {
  it("lists ids, titles and parameters, and no selectors or credentials", async () => {
    const { playbooks } = await listPlaybooks({ repository: repositoryFolder, data: path.join(fixtures, "no-such-folder") });
    const text = describePlaybooksForModel(playbooks.map((entry) => entry.playbook));
    expect(text).toContain("- export-invoices: Export invoices from the billing portal (on 127.0.0.1:4610).");
    expect(text).toContain("month (a month like 2026-09, required)");
    expect(text).toContain("invoice (text matching INV-[0-9]{4}, required)");
    expect(text).toMatch(/pay-invoice: .*Asks the user before its high-impact steps/);
    expect(text).not.toMatch(/#pay-|#month|credential|{{/);
  });

  it("calls run_playbook with an id and a parameter record, nothing else", () => {
    expect(runPlaybookInputSchema.parse({ playbook: "export-invoices" })).toEqual({ playbook: "export-invoices", parameters: {} });
    expect(runPlaybookInputSchema.safeParse({ playbook: "export-invoices", parameters: { month: "2026-09" }, steps: [] }).success).toBe(false);
    expect(runPlaybookInputSchema.safeParse({ playbook: "../etc/passwd", parameters: {} }).success).toBe(false);
    expect(z.toJSONSchema(runPlaybookInputSchema, { io: "input" })).toMatchObject({ required: ["playbook"], additionalProperties: false });
  });
});
