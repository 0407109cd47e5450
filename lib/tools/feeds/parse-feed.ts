// RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 -> one shape. htmlparser2's XML mode is forgiving, as feed
// readers must be (feeds in the wild are often not well-formed), and it never resolves DTDs or
// external entities. Every text field comes out as plain text; links only as http(s) URLs.
import { isTag, type ChildNode, type Element } from "domhandler";
import { DomUtils, parseDocument } from "htmlparser2";
import { ToolError } from "../types";
import { parseFeedDate } from "./feed-date";
import { capText, htmlToText, nodesToText } from "./html-to-text";

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

function elements(parent: { children: ChildNode[] }): Element[] {
  return parent.children.filter(isTag);
}

function named(element: Element, ...names: string[]): boolean {
  return names.includes(element.name.toLowerCase());
}

function child(parent: Element, ...names: string[]): Element | undefined {
  return elements(parent).find((element) => named(element, ...names));
}

function rawText(element: Element | undefined): string {
  return element ? DomUtils.textContent(element).trim() : "";
}

/** Text of an element that may hold escaped HTML, CDATA-wrapped HTML, or inline XHTML. */
function markupText(element: Element | undefined): string {
  if (!element) return "";
  return elements(element).length > 0 ? nodesToText(element.children) : htmlToText(DomUtils.textContent(element));
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

function atomLink(parent: Element, base: string): string | null {
  const links = elements(parent).filter((element) => named(element, "link", "atom:link"));
  const alternate =
    links.find((link) => (link.attribs.rel ?? "alternate") === "alternate" && /html/.test(link.attribs.type ?? "html")) ??
    links.find((link) => (link.attribs.rel ?? "alternate") === "alternate");
  return safeLink(alternate?.attribs.href, base);
}

function fallbackId(item: Omit<FeedItem, "id">): string {
  return item.link ?? `${item.title}|${item.published ?? ""}`;
}

function rssItem(element: Element, base: string, rdf: boolean): FeedItem {
  const guid = child(element, "guid");
  const guidText = rawText(guid);
  const guidIsLink = guid !== undefined && guid.attribs.ispermalink !== "false" && guid.attribs.isPermaLink !== "false";
  const item = {
    title: capText(markupText(child(element, "title")), MAX_TITLE),
    link:
      safeLink(rawText(child(element, "link")), base) ??
      (guidIsLink ? safeLink(guidText, base) : null) ??
      atomLink(element, base),
    published: parseFeedDate(rawText(child(element, "pubdate", "dc:date", "published", "atom:published", "updated", "atom:updated"))),
    summary: capText(markupText(child(element, "description") ?? child(element, "content:encoded")), MAX_SUMMARY),
  };
  const about = rdf ? element.attribs["rdf:about"] : undefined;
  return { ...item, id: guidText || about || fallbackId(item) };
}

function atomEntry(element: Element, base: string): FeedItem {
  const summary = child(element, "summary", "atom:summary") ?? child(element, "content", "atom:content");
  const item = {
    title: capText(markupText(child(element, "title", "atom:title")), MAX_TITLE),
    link: atomLink(element, base),
    published: parseFeedDate(rawText(child(element, "published", "atom:published") ?? child(element, "updated", "atom:updated"))),
    summary: capText(markupText(summary), MAX_SUMMARY),
  };
  return { ...item, id: rawText(child(element, "id", "atom:id")) || fallbackId(item) };
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
  const isHtml = /html/i.test(contentType ?? "") || (root !== undefined && named(root, "html"));
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

  if (named(root, "feed", "atom:feed")) {
    return {
      format: "atom",
      title: capText(markupText(child(root, "title", "atom:title")), MAX_TITLE),
      link: atomLink(root, url),
      items: elements(root)
        .filter((element) => named(element, "entry", "atom:entry"))
        .map((entry) => atomEntry(entry, url)),
    };
  }

  const rdf = named(root, "rdf:rdf");
  if (named(root, "rss") || rdf) {
    const channel = child(root, "channel");
    // RSS 1.0 puts items beside the channel; some RSS 2.0 feeds do too.
    const items = [...(channel ? elements(channel) : []), ...elements(root)].filter((element) => named(element, "item"));
    return {
      format: rdf ? "rdf" : "rss",
      title: channel ? capText(markupText(child(channel, "title")), MAX_TITLE) : "",
      link: channel ? (safeLink(rawText(child(channel, "link")), url) ?? atomLink(channel, url)) : null,
      items: items.map((item) => rssItem(item, url, rdf)),
    };
  }

  throw notAFeed(text, url, root, contentType);
}
