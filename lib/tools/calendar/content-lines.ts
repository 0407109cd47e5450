// iCalendar text -> components and properties (RFC 5545 3.1), read line by line so one bad line
// costs that line, not the calendar: it is skipped and reported, and a file cut short keeps what
// came before the cut.
import type { WorkBudget } from "./work-budget";

export interface Property {
  name: string; // upper case
  params: Map<string, string>; // names upper case; a list parameter keeps its first value
  value: string;
  line: number;
}

export interface Component {
  name: string; // upper case
  properties: Property[];
  components: Component[];
  line: number;
}

export interface LineProblem {
  line: number;
  /** The component (below VCALENDAR) the line was in, so the problem can be told against its event. */
  component: Component | null;
  problem: string;
}

const NAME = /^[A-Za-z0-9-]+/;

/** `NAME;PARAM=a,"b";X=c:value`, or null if the line is not a content line. */
function parseContentLine(text: string, line: number): Property | null {
  const name = NAME.exec(text)?.[0];
  if (!name) return null;
  const params = new Map<string, string>();
  let at = name.length;
  while (text[at] === ";") {
    const paramName = NAME.exec(text.slice(at + 1))?.[0];
    if (!paramName || text[at + 1 + paramName.length] !== "=") return null;
    at += paramName.length + 2;
    const values: string[] = [];
    for (;;) {
      if (text[at] === '"') {
        const close = text.indexOf('"', at + 1);
        if (close < 0) return null;
        values.push(text.slice(at + 1, close));
        at = close + 1;
      } else {
        const end = text.slice(at).search(/[;:,]/);
        if (end < 0) return null;
        values.push(text.slice(at, at + end));
        at += end;
      }
      if (text[at] !== ",") break;
      at++;
    }
    params.set(paramName.toUpperCase(), values[0] ?? "");
  }
  if (text[at] !== ":") return null;
  return { name: name.toUpperCase(), params, value: text.slice(at + 1), line };
}

function describe(text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 59)}…` : text;
  return `line "${shown}" is not a valid content line; skipped`;
}

/** The top-level components of a text (usually one VCALENDAR), with the lines that could not be read. */
export async function parseComponents(text: string, budget: WorkBudget): Promise<{ roots: Component[]; problems: LineProblem[] }> {
  const roots: Component[] = [];
  const problems: LineProblem[] = [];
  const open: Component[] = [];
  const physical = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  let index = 0;
  while (index < physical.length) {
    await budget.step();
    const line = index + 1;
    let logical = physical[index] ?? "";
    index++;
    // Folded lines continue with a space or a tab (RFC 5545 3.1).
    while (index < physical.length && /^[ \t]/.test(physical[index] ?? "")) {
      logical += (physical[index] ?? "").slice(1);
      index++;
    }
    if (logical.trim() === "") continue;
    const current = open.at(-1) ?? null;
    const within = open.find((component) => component.name !== "VCALENDAR") ?? null;
    const property = parseContentLine(logical, line);
    if (!property) {
      problems.push({ line, component: within, problem: describe(logical) });
      continue;
    }
    if (property.name === "BEGIN") {
      const component: Component = { name: property.value.trim().toUpperCase(), properties: [], components: [], line };
      // No component nests in one of its own kind: an END went missing, so the open one ends here.
      const unclosed = open.findLastIndex((outer) => outer.name === component.name);
      if (unclosed >= 0) {
        problems.push({ line, component: open[unclosed]!, problem: `${component.name} has no END before the next BEGIN:${component.name}` });
        open.length = unclosed;
      }
      const parent = open.at(-1) ?? null;
      (parent ? parent.components : roots).push(component);
      open.push(component);
    } else if (property.name === "END") {
      const name = property.value.trim().toUpperCase();
      const depth = open.findLastIndex((component) => component.name === name);
      if (depth < 0) problems.push({ line, component: within, problem: `END:${name} without a BEGIN; skipped` });
      else open.length = depth;
    } else if (current) {
      current.properties.push(property);
    } else {
      problems.push({ line, component: null, problem: `${property.name} outside any component; skipped` });
    }
  }
  for (const component of open) {
    if (component.name !== "VCALENDAR") {
      problems.push({ line: physical.length, component, problem: `the file ends inside ${component.name} (cut short?)` });
    }
  }
  return { roots, problems };
}

export function firstProperty(component: Component, name: string): Property | undefined {
  return component.properties.find((property) => property.name === name);
}

export function allProperties(component: Component, name: string): Property[] {
  return component.properties.filter((property) => property.name === name);
}

/** A TEXT value unescaped (RFC 5545 3.3.11). */
export function textValue(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, char: string) => (char === "n" || char === "N" ? "\n" : char));
}
