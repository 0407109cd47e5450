// Markup from the web -> plain text for the model: tags dropped, scripts and styles dropped whole,
// entities decoded, whitespace collapsed. What comes out is data; nothing in it is rendered.
import { isCDATA, isTag, isText, type ChildNode } from "domhandler";
import { parseDocument } from "htmlparser2";

// Elements whose content is code, styling or UI chrome, never prose.
const SKIPPED = new Set(["script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head", "select", "button"]);

const BLOCKS = new Set([
  "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
  "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
  "td", "th", "tr", "ul",
]);

// Control characters, zero-width characters and bidirectional overrides: invisible, and a way to
// make text read differently from what it is.
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;

function pushReversed(stack: (ChildNode | " ")[], nodes: readonly ChildNode[]): void {
  for (let index = nodes.length - 1; index >= 0; index--) {
    const node = nodes[index];
    if (node) stack.push(node);
  }
}

/** Plain text of already-parsed nodes (HTML, or XHTML inside a feed). Walks iteratively: nesting depth is the sender's choice. */
export function nodesToText(nodes: readonly ChildNode[]): string {
  const parts: string[] = [];
  const stack: (ChildNode | " ")[] = [];
  pushReversed(stack, nodes);
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node === " ") {
      parts.push(" ");
    } else if (isText(node)) {
      parts.push(node.data);
    } else if (isCDATA(node)) {
      pushReversed(stack, node.children);
    } else if (isTag(node)) {
      const name = node.name.toLowerCase().replace(/^.*:/, "");
      if (SKIPPED.has(name)) continue;
      if (BLOCKS.has(name)) {
        parts.push(" ");
        stack.push(" ");
      }
      pushReversed(stack, node.children);
    }
  }
  return normalizeText(parts.join(""));
}

/** Plain text of an HTML fragment. */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return normalizeText(html);
  return nodesToText(parseDocument(html, { decodeEntities: true }).children);
}

/** Collapses whitespace and removes invisible characters. */
export function normalizeText(text: string): string {
  return text.replace(INVISIBLE, "").replace(/\s+/g, " ").trim();
}

/** Caps text at `max` characters, at a word boundary when one is near, marking the cut with "…". */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max - 40 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
