import { describe, expect, it } from "vitest";
import { applyFloor } from "@/lib/policy/risk-policy";
import { cronProblem } from "@/lib/schedules/schedule-time";
import { demoSources } from "@/lib/demo/demo-origin";
import { fillTemplatePrompt, findTemplate, SCHEDULE_TEMPLATES, templateDefaults } from "@/lib/schedules/templates";
import { mailToolSchemas } from "@/lib/tools/mail/mail-tools";
import { RUN_PLAYBOOK_TOOL } from "@/lib/tools/playbooks/run-playbook-tool";
import { builtinTools } from "@/lib/tools/registry";

describe("schedule templates", () => {
  it("each names a valid time, real built-in tools, and a prompt slot for each field", () => {
    const toolNames = [...builtinTools().map((tool) => tool.name), ...mailToolSchemas.map((tool) => tool.name), RUN_PLAYBOOK_TOOL];
    for (const template of SCHEDULE_TEMPLATES) {
      expect(cronProblem(template.cron), template.id).toBeNull();
      for (const tool of template.tools) expect(toolNames, `${template.id} uses ${tool}`).toContain(tool);
      for (const field of template.fields) expect(template.prompt, `${template.id} slot ${field.name}`).toContain(`{{${field.name}}}`);
      expect(template.policyFloor.external).toBe("ask");
    }
  });

  it("filling a template puts the values in their slots and marks empty optional ones", () => {
    const metrics = findTemplate("weekly-metrics")!;
    const prompt = fillTemplatePrompt(metrics, { sources: "https://a.example/x.json\nhttps://b.example/y.csv" });
    expect(prompt).toContain("https://a.example/x.json\nhttps://b.example/y.csv");
    expect(prompt).toContain("with http_request: (none)");
    expect(prompt).toContain("use the CSV table it returns:\n(none)");
    expect(prompt).not.toContain("{{");
  });

  it("the morning briefing reads an inbox folder when one is given, and only reads", () => {
    const briefing = findTemplate("morning-briefing")!;
    expect(fillTemplatePrompt(briefing, { feeds: "f", calendar: "c", inbox: "INBOX" })).toContain("with search_mail (unread: true) and read the ones that look important with read_mail: INBOX");
    expect(fillTemplatePrompt(briefing, { feeds: "f", calendar: "c" })).toContain("with read_mail: (none)");
    for (const name of briefing.tools) expect(mailToolSchemas.find((tool) => tool.name === name)?.risk({ folder: "INBOX", uid: 1, saveAttachments: false } as never) ?? "read").toBe("read");
  });

  it("exports last month's invoices with the shipped playbook, asking before anything is paid or submitted", () => {
    const invoices = findTemplate("export-invoices")!;
    const values = templateDefaults(invoices, demoSources("http://127.0.0.1:3000"));
    expect(values).toEqual({ playbook: "export-invoices" });
    expect(fillTemplatePrompt(invoices, values)).toContain("Run the browser playbook export-invoices with run_playbook");
    expect(invoices.tools).toEqual([RUN_PLAYBOOK_TOOL]);
    expect(applyFloor("allow", invoices.policyFloor, "external")).toBe("ask");
  });
});

describe("template defaults", () => {
  it("start with Baton's demo sources, so a template runs end to end as it comes; the webhook starts empty", () => {
    const sources = demoSources("http://127.0.0.1:3000");
    expect(templateDefaults(findTemplate("morning-briefing")!, sources)).toEqual({
      feeds: "http://127.0.0.1:3000/demo/feed.xml",
      calendar: "http://127.0.0.1:3000/demo/calendar.ics",
    });
    const metrics = findTemplate("weekly-metrics")!;
    expect(templateDefaults(metrics, sources)).toEqual({ sources: "http://127.0.0.1:3000/demo/metrics.json" });
    expect(fillTemplatePrompt(metrics, templateDefaults(metrics, sources))).toContain("with http_request: (none)");
  });
});

describe("a task's policy floor", () => {
  it("raises a looser decision to the floor and never lowers a stricter one", () => {
    expect(applyFloor("allow", { external: "ask" }, "external")).toBe("ask");
    expect(applyFloor("deny", { external: "ask" }, "external")).toBe("deny");
    expect(applyFloor("ask", { destructive: "deny" }, "destructive")).toBe("deny");
    expect(applyFloor("allow", { external: "ask" }, "read")).toBe("allow");
    expect(applyFloor("allow", undefined, "external")).toBe("allow");
  });
});
