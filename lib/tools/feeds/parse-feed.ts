// RSS 2.0, RSS 1.0 (RDF), Atom 1.0 and 0.3 -> one shape. htmlparser2's XML mode is forgiving, as feed
// readers must be (feeds in the wild are often not well-formed), and it never resolves DTDs or
// external entities. Every text field comes out as plain text; links only as http(s) URLs.
import { isTag, type ChildNode, type Element } from "domhandler";
import { DomUtils, parseDocument } from "htmlparser2";
import { ToolError } from "../types";
import { parseFeedDate } from "./feed-date";
import { capText, htmlToText, nodesToText, normalizeText } from "./html-to-text";
import { attributeOf, localName, vocabularyOf, type Vocabulary } from "./xml-names";

export interface FeedItem {
  title: string;
  link: string | null;
  /** ISO 8601 in UTC, or null when the feed gives no date. */
  published: string | null;
  summary: string;
  id: string;
}

export interface Feed {
  format: "rss" | "rdf" | "atom";
  title: string;
  link: string | null;
  /** In document order. */
  items: FeedItem[];
}

const MAX_TITLE = 300;
const MAX_SUMMARY = 500;

/** The vocabularies an element may come from in a given document: RSS's own, or Atom's. */
interface Vocabularies {
  rss: readonly Vocabulary[];
  atom: readonly Vocabulary[];
}

/** Where to look for a field: an element name in one of these vocabularies. */
type Candidate = readonly [readonly Vocabulary[], string];

function elements(parent: { children: ChildNode[] }): Element[] {
  return parent.children.filter(isTag);
}

function named(element: Element, vocabularies: readonly Vocabulary[], ...names: string[]): boolean {
  return names.includes(localName(element)) && vocabularies.includes(vocabularyOf(element));
}

function child(parent: Element, vocabularies: readonly Vocabulary[], name: string): Element | undefined {
  return elements(parent).find((element) => named(element, vocabularies, name));
}

/** The first of several candidates that is present, in order of preference rather than of the document. */
function firstChild(parent: Element, candidates: readonly Candidate[]): Element | undefined {
  for (const [vocabularies, name] of candidates) {
    const found = child(parent, vocabularies, name);
    if (found) return found;
  }
  return undefined;
}

function rawText(element: Element | undefined): string {
  return element ? DomUtils.textContent(element).trim() : "";
}

/**
 * Text of an element that may hold escaped HTML (Atom 0.3's mode="escaped" among it), CDATA-wrapped
 * HTML, inline XHTML, or Atom 0.3's mode="base64", whose type is a media type: text/plain unless
 * it names html.
 */
function markupText(element: Element | undefined): string {
  if (!element) return "";
  if (element.attribs.mode?.toLowerCase() === "base64") {
    const decoded = new TextDecoder().decode(Buffer.from(DomUtils.textContent(element), "base64"));
    return /html/i.test(element.attribs.type ?? "") ? htmlToText(decoded) : normalizeText(decoded);
  }
  return elements(element).length > 0 ? nodesToText(element.children) : htmlToText(DomUtils.textContent(element));
}

/** The title, else Dublin Core's, else Media RSS's (on the item or in its media:group or media:content). */
function titleOf(element: Element, own: readonly Vocabulary[]): string {
  const media = [element, ...elements(element).filter((inner) => named(inner, ["media"], "group", "content"))];
  const candidates = [child(element, own, "title"), child(element, ["dc"], "title"), ...media.map((scope) => child(scope, ["media"], "title"))];
  for (const candidate of candidates) {
    const title = markupText(candidate);
    if (title) return capText(title, MAX_TITLE);
  }
  return "";
}

/** The first candidate that holds a readable date: a garbled pubDate gives way to a good dc:date. */
function firstDate(parent: Element, candidates: readonly Candidate[]): string | null {
  for (const [vocabularies, name] of candidates) {
    const found = child(parent, vocabularies, name);
    const date = found ? parseFeedDate(rawText(found)) : null;
    if (date) return date;
  }
  return null;
}

function safeLink(href: string | undefined, base: string): string | null {
  if (!href?.trim()) return null;
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function atomLink(parent: Element, atom: readonly Vocabulary[], base: string): string | null {
  const links = elements(parent).filter((element) => named(element, atom, "link") && element.attribs.href);
  const alternate =
    links.find((link) => (link.attribs.rel ?? "alternate") === "alternate" && /html/.test(link.attribs.type ?? "html")) ??
    links.find((link) => (link.attribs.rel ?? "alternate") === "alternate");
  return safeLink(alternate?.attribs.href, base);
}

function fallbackId(item: Omit<FeedItem, "id">): string {
  return item.link ?? `${item.title}|${item.published ?? ""}`;
}

// Dublin Core and Atom (1.0 and 0.3) dates that RSS items carry besides pubDate, in order of preference.
const rssDates = (names: Vocabularies): Candidate[] => [
  [names.rss, "pubdate"],
  [["dc"], "date"],
  [["dcterms"], "issued"],
  [["dcterms"], "created"],
  [["dcterms"], "modified"],
  [["atom"], "published"],
  [["atom"], "issued"],
  [["atom"], "updated"],
  [["atom"], "modified"],
];

// Atom 1.0's published and updated, Atom 0.3's issued, created and modified, then Dublin Core's.
const atomDates = (names: Vocabularies): Candidate[] => [
  [names.atom, "published"],
  [names.atom, "issued"],
  [names.atom, "created"],
  [names.atom, "updated"],
  [names.atom, "modified"],
  [["dc"], "date"],
  [["dcterms"], "issued"],
  [["dcterms"], "modified"],
];

function rssItem(element: Element, base: string, names: Vocabularies, rdf: boolean): FeedItem {
  const guid = child(element, names.rss, "guid");
  const guidText = rawText(guid);
  const guidIsLink = guid !== undefined && attributeOf(guid, "none", "ispermalink") !== "false";
  const item = {
    title: titleOf(element, names.rss),
    link:
      safeLink(rawText(child(element, names.rss, "link")), base) ??
      (guidIsLink ? safeLink(guidText, base) : null) ??
      atomLink(element, names.atom, base),
    published: firstDate(element, rssDates(names)),
    summary: capText(markupText(firstChild(element, [[names.rss, "description"], [["content"], "encoded"]])), MAX_SUMMARY),
  };
  const about = rdf ? attributeOf(element, "rdf", "about") : undefined;
  return { ...item, id: guidText || about || fallbackId(item) };
}

function atomEntry(element: Element, base: string, names: Vocabularies): FeedItem {
  const item = {
    title: titleOf(element, names.atom),
    link: atomLink(element, names.atom, base),
    published: firstDate(element, atomDates(names)),
    summary: capText(markupText(firstChild(element, [[names.atom, "summary"], [names.atom, "content"]])), MAX_SUMMARY),
  };
  return { ...item, id: rawText(child(element, names.atom, "id")) || fallbackId(item) };
}

/** Feeds an HTML page advertises with <link rel="alternate" type="application/rss+xml">. */
function advertisedFeeds(html: string, base: string): string[] {
  const links = DomUtils.getElementsByTagName("link", parseDocument(html).children, true);
  const feeds = links
    .filter((link) => /\balternate\b/i.test(link.attribs.rel ?? "") && /(rss|atom)\+xml/i.test(link.attribs.type ?? ""))
    .map((link) => safeLink(link.attribs.href, base))
    .filter((href): href is string => href !== null);
  return [...new Set(feeds)].slice(0, 5);
}

function notAFeed(text: string, base: string, root: Element | undefined, contentType: string | null): ToolError {
  const isHtml = /html/i.test(contentType ?? "") || (root !== undefined && localName(root) === "html");
  if (isHtml) {
    const feeds = advertisedFeeds(text, base);
    return new ToolError(
      feeds.length > 0
        ? `This is an HTML page, not a feed. The page links to these feeds: ${feeds.join(", ")}`
        : "This is an HTML page, not a feed, and it does not link to one.",
    );
  }
  const found = root ? `the document starts with <${root.name}>` : `content type ${contentType ?? "unknown"}`;
  return new ToolError(`This is not an RSS or Atom feed (${found}).`);
}

/** Parses a feed fetched from `url` (the base for relative links), or throws a ToolError saying what it is instead. */
export function parseFeed(text: string, url: string, contentType: string | null = null): Feed {
  if (!text.trim()) throw new ToolError("The response is empty, not a feed.");
  const root = elements(parseDocument(text, { xmlMode: true })).at(0);
  if (!root) throw notAFeed(text, url, undefined, contentType);

  const rootName = localName(root);
  // A prefixed root (<r:rss>, <RDF:RDF>) brings its namespace: the channel and items share it.
  const names: Vocabularies = { rss: ["none", "rss", vocabularyOf(root)], atom: ["atom", "none", vocabularyOf(root)] };

  if (rootName === "feed") {
    return {
      format: "atom",
      title: titleOf(root, names.atom),
      link: atomLink(root, names.atom, url),
      items: elements(root)
        .filter((element) => named(element, names.atom, "entry"))
        .map((entry) => atomEntry(entry, url, names)),
    };
  }

  const rdf = rootName === "rdf" && vocabularyOf(root) === "rdf";
  if (rootName === "rss" || rdf) {
    const channel = child(root, names.rss, "channel");
    // RSS 1.0 puts items beside the channel; some RSS 2.0 feeds do too.
    const items = [...(channel ? elements(channel) : []), ...elements(root)].filter((element) => named(element, names.rss, "item"));
    return {
      format: rdf ? "rdf" : "rss",
      title: channel ? titleOf(channel, names.rss) : "",
      link: channel ? (safeLink(rawText(child(channel, names.rss, "link")), url) ?? atomLink(channel, names.atom, url)) : null,
      items: items.map((item) => rssItem(item, url, names, rdf)),
    };
  }

  throw notAFeed(text, url, root, contentType);
}
