// Artifacts are written by an agent from content it fetched: render them as data. Markdown goes
// to HTML, then through an allowlist: no scripts, no event handlers, no styles, no remote images
// (they would tell a third party when the artifact was opened).
import { marked } from "marked";
import sanitizeHtml from "sanitize-html";

const allowedTags = [
  "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "del",
  "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "span", "input",
];

export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: false });
  return sanitizeHtml(html, {
    allowedTags,
    allowedAttributes: {
      a: ["href", "title", "rel", "target"],
      code: ["class"],
      th: ["align"],
      td: ["align"],
      input: ["type", "checked", "disabled"],
    },
    allowedSchemes: ["http", "https", "mailto"],
    allowedClasses: { code: [/^language-[\w-]+$/] },
    exclusiveFilter: (frame) => frame.tag === "input" && frame.attribs.type !== "checkbox",
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "noopener noreferrer nofollow", target: "_blank" } }),
    },
  });
}
