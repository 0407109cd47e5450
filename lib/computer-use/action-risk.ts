// How risky one action is, read from the page itself (never from the model's words): the control
// under a click, the field a keystroke goes to. The answer is a risk class the user's policy
// already knows, so computer use asks for a person exactly where a tool or a playbook step would.
import type { Page } from "playwright-core";
import type { RiskClass } from "@/lib/tools/types";
import type { ComputerAction, ProviderSafetyCheck } from "./action";

/** The element an action lands on, as the page describes it. */
export interface ActionTarget {
  tag: string;
  role: string;
  /** Accessible name as far as it can be read cheaply: aria-label, labels, text, value, title. */
  name: string;
  inputType: string;
  autocomplete: string;
  isDownloadLink: boolean;
  /** In CSS pixels. */
  box: { x: number; y: number; width: number; height: number };
}

export interface ActionRisk {
  risk: RiskClass;
  reasons: string[];
  target: ActionTarget | null;
}

const DESTRUCTIVE_NAME = /\b(delete|remove|erase|destroy|cancel (my )?(account|subscription)|close account|unsubscribe)\b/i;
const EXTERNAL_NAME = /\b(submit|pay|buy|purchase|order|checkout|send|confirm|transfer|sign up|subscribe|publish|post|place)\b/i;
const PAYMENT_FIELD = /^cc-|card|cvc|cvv|iban|account.?number|routing/i;

/** Which element is at a CSS point, or has focus, climbing to the control a person would name. */
export async function describeTarget(page: Page, where: { x: number; y: number } | "focused"): Promise<ActionTarget | null> {
  return page.evaluate((where) => {
    const start = where === "focused" ? document.activeElement : document.elementFromPoint(where.x, where.y);
    if (!start || start === document.body || start === document.documentElement) return null;
    const control = start.closest("button, a[href], input, select, textarea, summary, [role], label") ?? start;
    const element = control as HTMLElement;
    const input = element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement ? element : null;
    const labels = input && "labels" in input && input.labels ? Array.from(input.labels).map((label) => label.innerText).join(" ") : "";
    const name = [element.getAttribute("aria-label"), labels, element.innerText, input?.type === "submit" ? input.value : "", element.title]
      .map((part) => (part ?? "").trim())
      .find((part) => part !== "") ?? "";
    const tag = element.tagName.toLowerCase();
    const role = element.getAttribute("role") ?? (tag === "button" || input?.type === "submit" ? "button" : tag === "a" ? "link" : input ? "textbox" : "");
    const box = element.getBoundingClientRect();
    return {
      tag,
      role,
      name: name.replace(/\s+/g, " ").slice(0, 120),
      inputType: input?.type ?? "",
      autocomplete: [element.getAttribute("autocomplete"), element.getAttribute("name"), element.id].filter(Boolean).join(" "),
      isDownloadLink: element instanceof HTMLAnchorElement && element.hasAttribute("download"),
      box: { x: box.x, y: box.y, width: box.width, height: box.height },
    };
  }, where);
}

const ORDER: RiskClass[] = ["read", "write", "external", "destructive"];
const highest = (a: RiskClass, b: RiskClass): RiskClass => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

/**
 * The risk of an action on its target. `secretAllowed` says whether a secret reference is one the
 * task holds for this page's origin: the runtime then types it, which is signing in, not a risk.
 */
export function actionRisk(action: ComputerAction, target: ActionTarget | null, options: { secretAllowed?: boolean } = {}): ActionRisk {
  const reasons: string[] = [];
  let risk: RiskClass = "read";
  const raise = (to: RiskClass, reason: string) => {
    risk = highest(risk, to);
    reasons.push(reason);
  };
  const isPassword = target?.inputType === "password";
  const isPayment = target !== null && PAYMENT_FIELD.test(target.autocomplete);
  if (action.kind === "click") {
    const submits = target !== null && (target.inputType === "submit" || (target.tag === "button" && EXTERNAL_NAME.test(target.name)));
    if (target && DESTRUCTIVE_NAME.test(target.name)) raise("destructive", `clicks "${target.name}"`);
    else if (target && (EXTERNAL_NAME.test(target.name) || submits)) raise("external", `clicks "${target.name || target.role}"`);
    if (target?.isDownloadLink) raise("write", `downloads a file ("${target.name}")`);
  }
  if (action.kind === "type" || action.kind === "keys") {
    if (isPassword) raise("external", "types into a password field");
    if (isPayment) raise("external", "types into a payment field");
    if (action.kind === "keys" && action.keys.includes("Enter") && target?.tag === "input") raise("external", "presses Enter in a form field (submits it)");
  }
  if (action.kind === "type_secret") {
    if (!options.secretAllowed) raise("external", `types the secret "${action.reference}", which is not held for this site`);
    else if (!isPassword && !isPayment && target?.tag !== "input") raise("external", `types the secret "${action.reference}" outside a form field`);
  }
  return { risk, reasons, target };
}

/** A provider's own safety check always goes to a person, as an external action at least. */
export function safetyCheckRisk(checks: readonly ProviderSafetyCheck[]): ActionRisk | null {
  if (checks.length === 0) return null;
  return { risk: "external", reasons: checks.map((check) => `the provider flagged it: ${check.message ?? check.code ?? check.id}`), target: null };
}
