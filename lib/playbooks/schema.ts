// The playbook file format: the single source for validating a file and for the types the
// executor runs. A file names each step's action by one key ({"intent", "risk", "goto": {...}});
// parsing turns that into `action: { type: "goto", ... }` so code can switch on it. Checks that need
// the whole playbook (templates, origins) live in validate-playbook.ts.
import { z } from "zod";
import { RISK_CLASSES } from "@/lib/policy/risk-policy";

/** Waiting longer than this is a broken selector, not a slow page. */
export const MAX_WAIT_MS = 30_000;
export const DEFAULT_WAIT_MS = 10_000;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A file name with no folder in it: starts with a letter or digit, no "..". */
const SAFE_FILE_NAME = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isSafeFileName(name: string): boolean {
  return SAFE_FILE_NAME.test(name);
}

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

/** A real calendar day as YYYY-MM-DD (2026-02-30 is not one). */
export function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
}

/** A string parameter's pattern matches the whole value, not a part of it. */
export function matchesWhole(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(value);
}

export const playbookIdSchema = z
  .string()
  .max(64, { error: "must be at most 64 characters" })
  .regex(SLUG, { error: "must be a slug: lower-case letters, digits and single hyphens, like export-invoices" });

const text = z.string().trim().min(1, { error: "must not be empty" }).max(500, { error: "must be at most 500 characters" });

/** An http(s) origin, written with or without a trailing slash; kept as URL.origin gives it. */
const originSchema = z.string().transform((value, context) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    context.addIssue({ code: "custom", message: `${value} is not a URL (write it like https://billing.example.com)` });
    return z.NEVER;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    context.addIssue({ code: "custom", message: `${value} is not an http(s) origin` });
    return z.NEVER;
  }
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
    context.addIssue({ code: "custom", message: `${value} is more than an origin: write only ${url.origin}` });
    return z.NEVER;
  }
  return url.origin;
});

const PARAMETER_NAME = /^[a-z][A-Za-z0-9_]*$/;

const parameterBase = {
  description: text.optional(),
  /** A parameter with a default is never missing; one without is required unless this says false. */
  required: z.boolean().default(true),
};

const parameterSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("string"),
      ...parameterBase,
      /** A regular expression the whole value must match, e.g. "INV-\\d+". */
      pattern: z
        .string()
        .refine((source) => compiles(source), { error: "must be a valid regular expression" })
        .optional(),
      default: z.string().optional(),
    }),
    z.strictObject({ type: z.literal("number"), ...parameterBase, default: z.number().optional() }),
    z.strictObject({
      type: z.literal("date"),
      ...parameterBase,
      default: z.string().refine(isDate, { error: "must be a date like 2026-09-30" }).optional(),
    }),
    z.strictObject({
      type: z.literal("month"),
      ...parameterBase,
      default: z.string().refine(isMonth, { error: "must be a month like 2026-09" }).optional(),
    }),
    z.strictObject({
      type: z.literal("enum"),
      ...parameterBase,
      values: z.array(z.string().min(1)).min(1, { error: "must list at least one value" }),
      default: z.string().optional(),
    }),
  ],
  { error: "must be one of string, number, date, month, enum" },
);

function compiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

export type PlaybookParameter = z.output<typeof parameterSchema>;

const selector = z.string().min(1, { error: "must not be empty" }).max(500);
const timeoutMs = z
  .int({ error: "must be a whole number of milliseconds" })
  .min(1, { error: "must be at least 1 ms" })
  .max(MAX_WAIT_MS, { error: `must be at most ${MAX_WAIT_MS} ms (${MAX_WAIT_MS / 1000} s)` })
  .default(DEFAULT_WAIT_MS);
const saveAs = z.string().max(100, { error: "must be at most 100 characters" });

export const ARIA_ROLES = ["button", "link", "checkbox", "radio", "tab", "menuitem", "option", "switch", "combobox", "textbox", "row", "cell"] as const;

/** What a click (or a download's click) aims at: exactly one of a selector, a role and name, or visible text. */
const clickTargetSchema = z
  .strictObject({
    selector: selector.optional(),
    role: z.enum(ARIA_ROLES, { error: `must be one of ${ARIA_ROLES.join(", ")}` }).optional(),
    name: text.optional(),
    text: text.optional(),
  })
  .superRefine((value, context) => {
    const { selector, role, name, text } = value;
    const forms = [selector !== undefined, role !== undefined || name !== undefined, text !== undefined].filter(Boolean).length;
    if (forms !== 1) context.addIssue({ code: "custom", message: "must name exactly one of selector, role and name, or text" });
    else if ((role === undefined) !== (name === undefined)) context.addIssue({ code: "custom", message: "needs both role and name" });
  });

export type ClickTarget = z.output<typeof clickTargetSchema>;

/** One schema per action, keyed by the name a file uses for it. */
export const actionSchemas = {
  goto: z.strictObject({ url: z.string().min(1, { error: "must not be empty" }) }),
  fill: z
    .strictObject({ selector: selector.optional(), label: text.optional(), value: z.string() })
    .superRefine((value, context) => {
      if ((value.selector === undefined) === (value.label === undefined)) {
        context.addIssue({ code: "custom", message: "must name exactly one of selector or label" });
      }
    }),
  click: clickTargetSchema,
  select: z.strictObject({ selector, value: z.string() }),
  waitFor: z
    .strictObject({ selector: selector.optional(), url: z.string().min(1).optional(), text: text.optional(), timeoutMs })
    .superRefine((value, context) => {
      const { selector, url, text } = value;
      if ([selector, url, text].filter((value) => value !== undefined).length !== 1) {
        context.addIssue({ code: "custom", message: "must name exactly one of selector, url or text" });
      }
    }),
  expectText: z.strictObject({ text, selector: selector.optional() }),
  download: z.strictObject({ click: clickTargetSchema, saveAs }),
  extractTable: z.strictObject({ selector, saveAs }),
  screenshot: z.strictObject({ label: text }),
} as const;

export type ActionType = keyof typeof actionSchemas;
export const ACTION_TYPES = Object.keys(actionSchemas) as ActionType[];

export type PlaybookAction = { [Type in ActionType]: { type: Type } & z.output<(typeof actionSchemas)[Type]> }[ActionType];

const riskSchema = z.enum(RISK_CLASSES, { error: `must be one of ${RISK_CLASSES.join(", ")}` });

const stepSchema = z
  .strictObject({
    intent: text,
    risk: riskSchema,
    ...(Object.fromEntries(ACTION_TYPES.map((type) => [type, actionSchemas[type].optional()])) as {
      [Type in ActionType]: z.ZodOptional<(typeof actionSchemas)[Type]>;
    }),
  })
  .superRefine((value, context) => {
    const present = ACTION_TYPES.filter((type) => value[type] !== undefined);
    if (present.length !== 1) {
      context.addIssue({
        code: "custom",
        message: present.length === 0 ? `needs one action: ${ACTION_TYPES.join(", ")}` : `has more than one action (${present.join(", ")}): split it into steps`,
      });
    }
  })
  .transform((step) => {
    const type = ACTION_TYPES.find((candidate) => step[candidate] !== undefined)!;
    // The check above leaves exactly one action key; TypeScript cannot follow the key to its schema.
    const action = { type, ...step[type] } as PlaybookAction;
    return { intent: step.intent, risk: step.risk, action };
  });

export type PlaybookStep = z.output<typeof stepSchema>;

export const playbookSchema = z.strictObject({
  id: playbookIdSchema,
  title: text,
  description: text.optional(),
  version: z.int({ error: "must be a whole number" }).min(1, { error: "must be at least 1" }),
  origins: z.array(originSchema).min(1, { error: "must list at least one origin" }),
  parameters: z
    .record(
      z
        .string()
        .regex(PARAMETER_NAME, { error: "is not a name: use letters, digits and _, starting lower-case, like month or invoiceId" })
        .refine((name) => name !== "credential", { error: "is reserved for the {{credential.…}} placeholders" }),
      parameterSchema,
    )
    .default({}),
  /** The name of a stored credential, e.g. billing-portal; the secrets never appear in the file. */
  credential: playbookIdSchema.optional(),
  steps: z.array(stepSchema).min(1, { error: "must list at least one step" }).max(200, { error: "must list at most 200 steps" }),
});

export type Playbook = z.output<typeof playbookSchema>;
