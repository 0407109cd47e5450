import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FetchText } from "@/lib/tools/feeds/fetch-text";
import { createReadFeedTool } from "@/lib/tools/feeds/read-feed";
import { decodeText } from "@/lib/tools/http/response-body";
import { ToolError, type ToolContext } from "@/lib/tools/types";
import { testToolContext } from "../support/tool-context";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/feeds");

const sites: Record<string, { file: string; contentType: string }> = {
  "https://blog.example.com/feed.xml": { file: "rss2.xml", contentType: "application/rss+xml; charset=utf-8" },
  "https://github.com/example/widget/releases.atom": { file: "atom.xml", contentType: "application/atom+xml" },
  "https://news.example.org/index.rdf": { file: "rdf.xml", contentType: "application/rdf+xml" },
  "https://blog.example.com/": { file: "not-a-feed.html", contentType: "text/html; charset=utf-8" },
  "https://prefixed.example.com/feed": { file: "rss2-prefixed.xml", contentType: "application/rss+xml" },
  "https://lab.example.org/index.rdf": { file: "rss1-prefixed.xml", contentType: "application/rdf+xml" },
  "https://tide.example.net/index.rdf": { file: "rss1-rdf-variants.xml", contentType: "application/rdf+xml" },
  "https://clips.example.tv/feed": { file: "rss2-fallback-titles.xml", contentType: "application/rss+xml" },
  "https://old.example.com/atom.xml": { file: "atom03.xml", contentType: "application/atom+xml" },
};

/** What the SSRF-guarded client hands over: the bytes, and the text in the HTTP charset (else UTF-8). */
function served(bytes: Buffer, contentType: string) {
  return { text: decodeText(bytes, contentType), bytes, contentType };
}

// Serves fixture files by URL, as the SSRF-guarded client would serve the network.
const fetchText: FetchText = async (url) => {
  const site = sites[url];
  if (!site) throw new ToolError(`404 Not Found: ${url}`);
  return served(await readFile(path.join(fixtures, site.file)), site.contentType);
};

const context: ToolContext = testToolContext();
const tool = createReadFeedTool({ fetchText });

async function read(input: Record<string, unknown>) {
  const { output, summary } = await tool.run(tool.input.parse(input), context);
  return {
    summary,
    ...(output as {
      title: string;
      link: string | null;
      items: { title: string; link: string | null; published: string | null; summary: string; id: string }[];
    }),
  };
}

describe("read_feed", () => {
  it("reads RSS 2.0 newest first, with plain-text summaries and safe links", async () => {
    const feed = await read({ url: "https://blog.example.com/feed.xml" });
    expect(feed.title).toBe("Field Notes & Releases");
    expect(feed.link).toBe("https://blog.example.com/");
    expect(feed.items.map((item) => item.published)).toEqual([
      "2026-03-26T09:00:00.000Z",
      "2026-03-24T08:30:00.000Z",
      "2026-03-18T17:00:00.000Z", // "EST" read as -05:00
      "2026-03-16T13:00:00.000Z",
    ]);
    const [release, postgres, injected, hiring] = feed.items;
    expect(release).toEqual({
      title: "Release 2.4: offline mode",
      link: "https://blog.example.com/2026/03/release-2-4/",
      published: "2026-03-26T09:00:00.000Z",
      summary: "Version 2.4 adds an offline mode, faster sync and 31 bug fixes.",
      id: "https://blog.example.com/2026/03/release-2-4/",
    });
    // Scripts and styles go whole; entities are decoded; the guid is the id.
    expect(postgres?.summary).toBe("We moved 40 clusters to Postgres 18 in a week. Here is what broke — and what didn’t.");
    expect(postgres?.id).toBe("https://blog.example.com/?p=4211");
    // A javascript: link is dropped; the text stays data.
    expect(injected?.link).toBeNull();
    // A relative link resolves against the feed; long summaries are capped at a word.
    expect(hiring?.link).toBe("https://blog.example.com/jobs/backend-engineer");
    expect(hiring?.summary.length).toBeLessThanOrEqual(500);
    expect(hiring?.summary).toMatch(/^We are hiring\. Lorem ipsum.* iste…$/);
    expect(JSON.stringify(feed)).not.toMatch(/<script|<p>|<img|evil\.example\/'|tracker\.example|onerror/);
    expect(feed.summary).toBe("Read 4 of 4 items from the RSS feed at blog.example.com");
  });

  it("reads Atom 1.0: alternate links, html and xhtml content, updated when not published", async () => {
    const feed = await read({ url: "https://github.com/example/widget/releases.atom" });
    expect(feed.title).toBe("Release notes from widget");
    expect(feed.link).toBe("https://github.com/example/widget/releases");
    expect(feed.items).toEqual([
      {
        title: "v3.1.0",
        link: "https://github.com/example/widget/releases/tag/v3.1.0",
        published: "2026-03-25T16:04:11.000Z",
        summary: "Features Streaming parser Smaller bundle",
        id: "tag:github.com,2008:Repository/123456/v3.1.0",
      },
      {
        title: "v3.0.2 (security)",
        link: "https://github.com/example/widget/releases/tag/v3.0.2",
        published: "2026-02-10T09:15:00.000Z",
        summary: "Fixes CVE-2026-1234. Upgrade now.",
        id: "tag:github.com,2008:Repository/123456/v3.0.2",
      },
      {
        title: "v3.0.1",
        link: "https://github.com/example/widget/releases/tag/v3.0.1",
        published: "2026-01-20T13:00:00.000Z",
        summary: "Bug fixes & small improvements.",
        id: "tag:github.com,2008:Repository/123456/v3.0.1",
      },
    ]);
  });

  it("reads RSS 1.0 (RDF), whose items sit beside the channel", async () => {
    const feed = await read({ url: "https://news.example.org/index.rdf" });
    expect(feed.title).toBe("Example News");
    expect(feed.items.map((item) => [item.title, item.published, item.id])).toEqual([
      ["Study Finds Coffee Still Good", "2026-03-26T06:05:00.000Z", "https://news.example.org/story/26/03/26/2"],
      ["Linux 7.0 Released", "2026-03-25T21:40:00.000Z", "https://news.example.org/story/26/03/25/1"],
    ]);
    expect(feed.items[1]?.summary).toBe("Linus Torvalds has released Linux 7.0 Read more.");
  });

  it("expands no DTD entities (no XXE, no billion laughs) and tolerates a BOM, comments and a doctype", async () => {
    const text = `\uFEFF <?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY lol "lollollol">]>
<!-- generated -->
<rss version="0.91"><channel><title>T&nbsp;&amp;&nbsp;U</title><link>https://a.example/</link>
<item><title>&xxe; &lol;</title><description>a &lt; b and c&gt;d</description><pubDate>not a date</pubDate></item></channel></rss>`;
    const plain = createReadFeedTool({ fetchText: async () => ({ text, contentType: "text/xml" }) });
    const { output } = await plain.run(plain.input.parse({ url: "https://a.example/feed" }), context);
    expect(output).toEqual({
      title: "T & U",
      link: "https://a.example/",
      items: [{ title: "&xxe; &lol;", link: null, published: null, summary: "a < b and c>d", id: "&xxe; &lol;|" }],
    });
  });

  it("applies limit and since", async () => {
    const limited = await read({ url: "https://blog.example.com/feed.xml", limit: 2 });
    expect(limited.items.map((item) => item.title)).toEqual(["Release 2.4: offline mode", "Postgres 18 upgrade: what we learned"]);
    const recent = await read({ url: "https://blog.example.com/feed.xml", since: "2026-03-18T17:00:00Z" });
    expect(recent.items).toHaveLength(3);
    const sinceDate = await read({ url: "https://blog.example.com/feed.xml", since: "2026-03-25" });
    expect(sinceDate.items.map((item) => item.title)).toEqual(["Release 2.4: offline mode"]);
  });

  it("says what a page is when it is not a feed, and names the feeds it links to", async () => {
    await expect(read({ url: "https://blog.example.com/" })).rejects.toThrow(
      new ToolError(
        "This is an HTML page, not a feed. The page links to these feeds: https://blog.example.com/feed.xml, https://blog.example.com/atom.xml",
      ),
    );
    const other = createReadFeedTool({ fetchText: async () => ({ text: '{"items": []}', contentType: "application/json" }) });
    await expect(other.run(other.input.parse({ url: "https://x.example/feed" }), context)).rejects.toThrow(
      "This is not an RSS or Atom feed (content type application/json).",
    );
    const svg = createReadFeedTool({ fetchText: async () => ({ text: "<svg><g/></svg>", contentType: "image/svg+xml" }) });
    await expect(svg.run(svg.input.parse({ url: "https://x.example/feed" }), context)).rejects.toThrow(
      "This is not an RSS or Atom feed (the document starts with <svg>).",
    );
  });

  it("turns fetch failures into ToolErrors that name only the host", async () => {
    const failing = createReadFeedTool({
      fetchText: async () => {
        throw new Error("connect ECONNREFUSED 10.0.0.1:443");
      },
    });
    const run = failing.run(failing.input.parse({ url: "https://feeds.example.com/private/token-abc123.xml" }), context);
    await expect(run).rejects.toBeInstanceOf(ToolError);
    await expect(run).rejects.toThrow("Could not fetch from feeds.example.com: connect ECONNREFUSED 10.0.0.1:443");
    await expect(read({ url: "https://blog.example.com/missing.xml" })).rejects.toThrow("404 Not Found");
  });

  it("validates its input and declares a read", () => {
    expect(tool.input.safeParse({ url: "ftp://example.com/feed" }).success).toBe(false);
    expect(tool.input.safeParse({ url: "https://example.com/feed", limit: 101 }).success).toBe(false);
    expect(tool.input.safeParse({ url: "https://example.com/feed", since: "last week" }).success).toBe(false);
    const input = tool.input.parse({ url: "https://example.com/feed", since: "2026-03-01T00:00:00+01:00" });
    expect(tool.risk(input)).toBe("read");
    expect(tool.idempotent(input)).toBe(true);
    expect(tool.target(input)).toBe("https://example.com/feed");
  });
});

/** read_feed on bytes as a server sends them. */
async function readServed(bytes: Buffer, contentType: string) {
  const once = createReadFeedTool({ fetchText: async () => served(bytes, contentType) });
  const { output } = await once.run(once.input.parse({ url: "https://feeds.example.net/feed" }), context);
  return output as { title: string; items: { title: string; summary: string; published: string | null }[] };
}

const LATIN = "Café crème à Zürich";
const GREEK = "Ελληνικά νέα";
const EMOJI = "Emoji 🎉 and ümlauts";

describe("read_feed: encodings (BOM, then the HTTP charset, then the XML declaration)", () => {
  // Files made by tests/fixtures/feeds/encodings/generate.py; each feed's one item is titled in its script.
  it.each([
    ["iso-8859-1.xml", "application/rss+xml", LATIN],
    ["windows-1252.xml", "text/xml", "“Smart” quotes cost 5 €"],
    ["iso-8859-1-cp1252-bytes.xml", "application/rss+xml", "“Smart” quotes cost 5 €"],
    ["euc-kr.xml", "application/rss+xml", "서울 날씨: 맑음"],
    ["euc-kr.xml", "application/rss+xml; charset=EUC-KR", "서울 날씨: 맑음"],
    ["shift_jis.xml", "application/xml", "東京の天気は晴れ"],
    ["utf-16le-bom.xml", "application/rss+xml", GREEK],
    ["utf-16be-bom.xml", "application/rss+xml", GREEK],
    ["utf-16be-no-bom.xml", "application/rss+xml", GREEK],
    ["utf-32le-bom.xml", "application/rss+xml", EMOJI],
    ["utf-32be-bom.xml", "application/rss+xml", EMOJI],
    ["utf-32le-no-bom.xml", "application/rss+xml", EMOJI],
    // A byte-order mark wins over the HTTP charset.
    ["utf-8-bom.xml", "application/rss+xml; charset=iso-8859-1", LATIN],
    // The HTTP charset wins over a stale declaration (RFC 7303 §3.2)...
    ["stale-declaration.xml", "application/rss+xml; charset=utf-8", LATIN],
    // ...unless the bytes disprove it: Latin-1 bytes are not UTF-8, so the declaration is used.
    ["iso-8859-1.xml", "application/rss+xml; charset=utf-8", LATIN],
    // A declared UTF-16 over a "<?xml" in plain ASCII is not believed.
    ["utf-8-declared-utf-16.xml", "application/rss+xml", LATIN],
  ])("%s served as %s", async (file, contentType, title) => {
    const feed = await readServed(await readFile(path.join(fixtures, "encodings", file)), contentType);
    expect(feed.title).toBe("Encodings");
    expect(feed.items).toMatchObject([{ title, summary: title, published: "2026-12-02T09:00:00.000Z" }]);
  });

  it("tells UTF-16 without a BOM by its NULs even when no declaration comes first", async () => {
    const text = `\n<rss><channel><title>Wide</title><item><title>${GREEK}</title></item></channel></rss>`;
    const feed = await readServed(Buffer.from(text, "utf16le"), "application/rss+xml");
    expect(feed.items.map((item) => item.title)).toEqual([GREEK]);
  });

  it("reads a feed that declares an encoding Node cannot decode (ISO-2022-KR) as UTF-8, not as nothing", async () => {
    const text = `<?xml version="1.0" encoding="ISO-2022-KR"?><rss><channel><title>Plain</title><item><title>${LATIN}</title></item></channel></rss>`;
    const feed = await readServed(Buffer.from(text, "utf8"), "application/rss+xml");
    expect(feed.items.map((item) => item.title)).toEqual([LATIN]);
  });

  it("decodes UTF-32 code points outside Unicode, and a cut-off last one, as U+FFFD", async () => {
    const text = '<rss><channel><title>T</title><item><title>a\u{1F600}b</title></item></channel></rss>';
    const units = [...text].map((char) => char.codePointAt(0) ?? 0);
    const badTitle = units.flatMap((unit) => (unit === 0x1f600 ? [0x110000, 0xd800] : [unit]));
    const bytes = Buffer.alloc(4 + badTitle.length * 4 + 2);
    bytes.writeUInt32BE(0xfeff, 0);
    badTitle.forEach((unit, index) => bytes.writeUInt32BE(unit, 4 + index * 4));
    const feed = await readServed(bytes, "application/rss+xml");
    expect(feed.items.map((item) => item.title)).toEqual(["a\uFFFD\uFFFDb"]);
  });

  it("counts the size cap in bytes, before decoding", async () => {
    // 10 MiB and a little more of UTF-16: about 5 million characters once decoded.
    const head = "\uFEFF<rss><channel><title>Big</title><item><title>one</title></item></channel><!--";
    const bytes = Buffer.from(head + "x".repeat(5 * 1024 * 1024) + "--></rss>", "utf16le");
    await expect(readServed(bytes, "application/rss+xml")).rejects.toThrow("The feed is larger than 10485760 bytes.");
  });
});

describe("read_feed: namespaces, fallback titles, Atom 0.3 and more dates", () => {
  it("reads RSS 2.0 whose elements carry a prefix, root included", async () => {
    const feed = await read({ url: "https://prefixed.example.com/feed" });
    expect(feed).toMatchObject({ title: "Prefixed Weekly", link: "https://prefixed.example.com/" });
    expect(feed.items).toEqual([
      {
        title: "Issue 12 is out",
        link: "https://prefixed.example.com/12",
        published: "2026-11-30T07:00:00.000Z",
        summary: "Twelve links, one essay.",
        id: "https://prefixed.example.com/12",
      },
    ]);
    expect(feed.summary).toBe("Read 1 of 1 items from the RSS feed at prefixed.example.com");
  });

  it("reads RSS 1.0 with the RSS namespace under a prefix, and dcterms:issued and dcterms:modified dates", async () => {
    const feed = await read({ url: "https://lab.example.org/index.rdf" });
    expect(feed.title).toBe("Lab Notes");
    expect(feed.items.map((item) => [item.title, item.published, item.id])).toEqual([
      ["Centrifuge calibration", "2026-11-29T14:00:00.000Z", "https://lab.example.org/n/7"],
      ["Freezer alarm", "2026-11-27T08:15:00.000Z", "https://lab.example.org/n/6"],
    ]);
    expect(feed.summary).toBe("Read 2 of 2 items from the RDF feed at lab.example.org");
  });

  it("reads RSS 1.0 whose RDF namespace has another prefix", async () => {
    const feed = await read({ url: "https://tide.example.net/index.rdf" });
    expect(feed.title).toBe("Tide Tables");
    expect(feed.items.map((item) => [item.title, item.published, item.id])).toEqual([
      ["High water 06:12", "2026-12-01T06:12:00.000Z", "https://tide.example.net/high/2026-12-01"],
    ]);
  });

  it("takes dc:title or media:title when there is no title, and skips a garbled date for the next one", async () => {
    const feed = await read({ url: "https://clips.example.tv/feed" });
    expect(feed.title).toBe("Clips & Casts");
    expect(feed.items.map((item) => [item.title, item.published])).toEqual([
      ["Only a Dublin Core title", "2026-11-29T18:00:00.000Z"], // "PT" in November is PST
      ["Only a Media RSS title", "2026-11-28T12:00:00.000Z"], // "Sun, Nov x 2026" is no date; dcterms:modified is
      ["A title inside media:group", null],
      ["The Dublin Core title wins over iTunes", null],
    ]);
  });

  it.each([
    ['<rss xmlns:dcterms="http://purl.org/dc/terms/"><channel><item><dcterms:issued>2026-11-29T15:00:00+01:00</dcterms:issued></item></channel></rss>', "2026-11-29T14:00:00.000Z"],
    ['<rss xmlns:dcterms="http://purl.org/dc/terms/"><channel><item><dcterms:modified>2026-11-29T15:00:00Z</dcterms:modified></item></channel></rss>', "2026-11-29T15:00:00.000Z"],
    ['<feed xmlns="http://purl.org/atom/ns#"><entry><issued>2026-11-29T15:00:00Z</issued></entry></feed>', "2026-11-29T15:00:00.000Z"],
    ['<feed xmlns="http://purl.org/atom/ns#"><entry><modified>2026-11-29T16:00:00Z</modified></entry></feed>', "2026-11-29T16:00:00.000Z"],
    ['<rss><channel><item><pubDate>Sun, Dec x 2012 11:47:32 GMT</pubDate></item></channel></rss>', null],
  ])("reads the date of %s", async (xml, published) => {
    const feed = await readServed(Buffer.from(xml), "application/xml");
    expect(feed.items.map((item) => item.published)).toEqual([published]);
  });

  it("reads Atom 0.3: base64 and escaped text, issued and modified", async () => {
    const feed = await read({ url: "https://old.example.com/atom.xml" });
    expect(feed).toMatchObject({ title: "Old Atom Blog", link: "https://old.example.com/" });
    expect(feed.items).toEqual([
      {
        title: "Ünïcode in base64 & <3",
        link: "https://old.example.com/2026/11/base64",
        published: "2026-11-30T14:30:00.000Z", // issued, not modified
        summary: "Summary in base64 HTML",
        id: "tag:old.example.com,2026:1",
      },
      {
        title: "Tom & Jerry return",
        link: "https://old.example.com/2026/11/escaped",
        published: "2026-11-29T08:00:00.000Z",
        summary: "Escaped & readable.",
        id: "tag:old.example.com,2026:2",
      },
    ]);
  });
});
