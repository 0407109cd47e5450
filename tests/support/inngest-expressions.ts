// What the Inngest test server needs of Inngest's expression language and time strings: the CEL
// subset Baton's expressions use (`term == term` clauses joined by `&&`, terms being event fields
// or string literals), throwing on anything else so an expression it cannot judge fails the test.

/** `1s`, `2m30s`, `1h`, `1d`: the time strings the SDK sends. */
export function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: 86_400_000, w: 604_800_000 };
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(amount) * units[unit!]!;
  return total;
}

/** The CEL subset Baton's expressions use: `term == term` clauses joined by `&&`. */
export function evaluate(expression: string, scope: Record<string, unknown>): boolean {
  return expression.split("&&").every((clause) => {
    const match = /^\s*(\S+)\s*==\s*(\S+)\s*$/.exec(clause);
    if (!match) throw new Error(`The test server cannot evaluate: ${expression}`);
    return JSON.stringify(term(match[1]!, scope)) === JSON.stringify(term(match[2]!, scope));
  });
}

function term(text: string, scope: Record<string, unknown>): unknown {
  if (/^"(?:[^"\\]|\\.)*"$/.test(text)) return JSON.parse(text) as unknown;
  if (/^'[^'\\]*'$/.test(text)) return text.slice(1, -1);
  if (/^\w+(\.\w+)+$/.test(text)) return lookup(text, scope);
  throw new Error(`The test server cannot evaluate the term ${text}`);
}

export function lookup(path: string, scope: Record<string, unknown>): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), scope);
}
