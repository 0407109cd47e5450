"use client";

import { useState } from "react";
import { z } from "zod";

// Only a plan as propose_plan's schema has it is shown this way; anything else stays as JSON.
const planSchema = z.object({ summary: z.string(), steps: z.array(z.string()), tools: z.array(z.string()) });
type Plan = z.infer<typeof planSchema>;

const fieldClass =
  "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none";

/** The agent's plan on its approval card: what it achieves, the steps in order, the tools it will use without asking. */
export function PlanView({ args }: { args: unknown }) {
  const parsed = planSchema.safeParse(args);
  if (!parsed.success) return null;
  const { summary, steps, tools } = parsed.data;
  return (
    <div data-testid="plan-view">
      <dt className="text-slate-500">The plan</dt>
      <dd className="mt-1 rounded-lg border border-slate-200 bg-white px-3 py-2 text-slate-900">
        <p dir="auto" className="font-medium break-words">
          {summary}
        </p>
        <ol className="mt-2 list-decimal space-y-1 pl-5">
          {steps.map((step, index) => (
            <li key={index} dir="auto" className="break-words">
              {step}
            </li>
          ))}
        </ol>
        <p className="mt-2 text-sm text-slate-600">
          Once approved, these run without asking again:{" "}
          {tools.length > 0 ? tools.map((tool) => <code key={tool} className="mr-1 rounded bg-slate-100 px-1 font-mono text-xs">{tool}</code>) : "none"}. Anything else
          still follows your policy.
        </p>
      </dd>
    </div>
  );
}

/** Editing the plan as a person would: the steps one per line, and which tools may run without asking. */
export function PlanEditor({ id, args, onChange }: { id: string; args: unknown; onChange: (json: string) => void }) {
  const parsed = planSchema.safeParse(args);
  const initial: Plan = parsed.success ? parsed.data : { summary: "", steps: [], tools: [] };
  const [steps, setSteps] = useState(initial.steps.join("\n"));
  const [tools, setTools] = useState(new Set(initial.tools));
  const update = (nextSteps: string, nextTools: Set<string>) => {
    const lines = nextSteps.split("\n").map((line) => line.trim()).filter(Boolean);
    onChange(JSON.stringify({ ...initial, steps: lines, tools: initial.tools.filter((tool) => nextTools.has(tool)) }));
  };
  return (
    <div>
      <label htmlFor={`plan-steps-${id}`} className="text-sm font-medium text-slate-800">
        Steps <span className="font-normal text-slate-500">(one per line)</span>
      </label>
      <textarea
        id={`plan-steps-${id}`}
        rows={Math.min(8, Math.max(3, initial.steps.length + 1))}
        autoFocus
        dir="auto"
        value={steps}
        onChange={(event) => {
          setSteps(event.target.value);
          update(event.target.value, tools);
        }}
        className={fieldClass}
      />
      {initial.tools.length > 0 && (
        <fieldset className="mt-2">
          <legend className="text-sm font-medium text-slate-800">Run without asking</legend>
          <div className="mt-1 flex flex-wrap gap-x-4">
            {initial.tools.map((tool) => (
              <label key={tool} className="flex min-h-11 items-center gap-2 text-sm text-slate-800">
                <input
                  type="checkbox"
                  checked={tools.has(tool)}
                  onChange={(event) => {
                    const next = new Set(tools);
                    if (event.target.checked) next.add(tool);
                    else next.delete(tool);
                    setTools(next);
                    update(steps, next);
                  }}
                  className="size-4 accent-indigo-600"
                />
                <span className="font-mono">{tool}</span>
              </label>
            ))}
          </div>
          <p className="mt-1 text-xs text-slate-500">Unticked tools ask you each time, as your policy says.</p>
        </fieldset>
      )}
    </div>
  );
}
