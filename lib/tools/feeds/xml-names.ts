// Which vocabulary a feed element belongs to, by its namespace rather than its prefix: `<rss:item>`
// under xmlns:rss="http://purl.org/rss/1.0/" is RSS's item as much as `<item>` is. htmlparser2
// keeps qualified names as written, so the xmlns declarations in scope are looked up here.
import { isTag, type Element } from "domhandler";

/** A known vocabulary's short name, "none" for no namespace, or the namespace itself when unknown. */
export type Vocabulary = string;

// Keyed by namespace without scheme, case or trailing "/" or "#": feeds vary all three.
const KNOWN: Record<string, Vocabulary> = {
  "purl.org/rss/1.0": "rss",
  "my.netscape.com/rdf/simple/0.9": "rss",
  "backend.userland.com/rss2": "rss",
  "backend.userland.com/rss": "rss",
  "www.w3.org/2005/atom": "atom",
  "purl.org/atom/ns": "atom",
  "www.w3.org/1999/02/22-rdf-syntax-ns": "rdf",
  "purl.org/dc/elements/1.1": "dc",
  "purl.org/dc/terms": "dcterms",
  "search.yahoo.com/mrss": "media",
  "purl.org/rss/1.0/modules/content": "content",
};

// Prefixes feeds often use without declaring them.
const CONVENTIONAL = new Set(["rss", "atom", "rdf", "dc", "dcterms", "media", "content"]);

function vocabularyOfNamespace(uri: string): Vocabulary {
  if (!uri) return "none";
  const key = uri.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/[/#]+$/, "");
  return KNOWN[key] ?? key;
}

function split(qualifiedName: string): { prefix: string | null; local: string } {
  const colon = qualifiedName.indexOf(":");
  return colon < 0 ? { prefix: null, local: qualifiedName } : { prefix: qualifiedName.slice(0, colon), local: qualifiedName.slice(colon + 1) };
}

function resolvePrefix(element: Element, prefix: string | null): Vocabulary {
  const declaration = prefix === null ? "xmlns" : `xmlns:${prefix}`;
  for (let scope: Element | null = element; scope; scope = scope.parent && isTag(scope.parent) ? scope.parent : null) {
    const uri = scope.attribs[declaration];
    if (uri !== undefined) return vocabularyOfNamespace(uri);
  }
  if (prefix === null) return "none";
  const lower = prefix.toLowerCase();
  return CONVENTIONAL.has(lower) ? lower : `undeclared:${lower}`;
}

/** The element's local name, lower-cased (feeds in the wild vary the case: pubdate, pubDate). */
export function localName(element: Element): string {
  return split(element.name).local.toLowerCase();
}

export function vocabularyOf(element: Element): Vocabulary {
  return resolvePrefix(element, split(element.name).prefix);
}

/** The value of an attribute by local name, unprefixed or with a prefix bound to `vocabulary`. */
export function attributeOf(element: Element, vocabulary: Vocabulary, local: string): string | undefined {
  for (const [name, value] of Object.entries(element.attribs)) {
    const parts = split(name);
    if (parts.local.toLowerCase() !== local.toLowerCase()) continue;
    if (parts.prefix === null || resolvePrefix(element, parts.prefix) === vocabulary) return value;
  }
  return undefined;
}
