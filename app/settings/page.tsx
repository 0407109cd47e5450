import type { Metadata } from "next";
import { PolicyRuleForm } from "@/components/policy-rule-form";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { getPolicy, RISK_CLASSES } from "@/lib/policy/risk-policy";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

const classText: Record<(typeof RISK_CLASSES)[number], { label: string; hint: string }> = {
  read: { label: "Reading", hint: "Fetching pages, feeds and calendars; reading files." },
  write: { label: "Writing", hint: "Changing files in a task's own workspace (results are always allowed)." },
  external: { label: "Acting elsewhere", hint: "Posting to APIs and webhooks, sending, creating records." },
  destructive: { label: "Deleting or overwriting", hint: "DELETE requests and tools that say they destroy data." },
};

export default async function SettingsPage() {
  const policy = await getPolicy(db(), await currentUserId());
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        <p className="mt-1 text-sm text-slate-600">
          What the agent may do on its own. &ldquo;Ask me&rdquo; pauses the task until you approve. Nothing the agent reads can change these.
        </p>
      </div>
      <section className="rounded-xl border border-slate-200 bg-white px-4 shadow-sm" aria-labelledby="classes-heading">
        <h2 id="classes-heading" className="pt-4 text-sm font-semibold tracking-wide text-slate-500 uppercase">
          By kind of action
        </h2>
        <div className="divide-y divide-slate-100">
          {policy.classes.map((entry) => (
            <PolicyRuleForm
              key={entry.risk}
              scope="class"
              ruleKey={entry.risk}
              label={classText[entry.risk].label}
              hint={classText[entry.risk].hint}
              decision={entry.decision}
              canReset={!entry.isDefault}
            />
          ))}
        </div>
      </section>
      <section className="rounded-xl border border-slate-200 bg-white px-4 shadow-sm" aria-labelledby="computer-use-heading">
        <h2 id="computer-use-heading" className="pt-4 text-sm font-semibold tracking-wide text-slate-500 uppercase">
          Computer use
        </h2>
        <div className="divide-y divide-slate-100">
          {policy.toolClasses.map((entry) => (
            <PolicyRuleForm
              key={entry.toolClass}
              scope="class"
              ruleKey={entry.toolClass}
              label="Let the agent drive a browser from screenshots"
              hint="The last resort, when no API or playbook fits: off by default. Risky clicks and typing inside it still follow the kinds above."
              decision={entry.decision}
              canReset={!entry.isDefault}
            />
          ))}
        </div>
      </section>
      {policy.tools.length > 0 && (
        <section className="rounded-xl border border-slate-200 bg-white px-4 shadow-sm" aria-labelledby="tools-heading">
          <h2 id="tools-heading" className="pt-4 text-sm font-semibold tracking-wide text-slate-500 uppercase">
            Per tool (overrides the kind)
          </h2>
          <div className="divide-y divide-slate-100">
            {policy.tools.map((entry) => (
              <PolicyRuleForm key={entry.tool} scope="tool" ruleKey={entry.tool} label={entry.tool} decision={entry.decision} canReset />
            ))}
          </div>
        </section>
      )}
      <p className="text-sm text-slate-600">
        Rules for single tools (including MCP tools) can be set over the API: <code className="rounded bg-slate-100 px-1">PUT /api/policy</code>.
      </p>
    </div>
  );
}
