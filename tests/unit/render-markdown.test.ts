import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/lib/artifacts/render-markdown";

describe("renderMarkdown", () => {
  it("renders headings, lists, tables and code", () => {
    const html = renderMarkdown("# Brief\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`x`");
    expect(html).toContain("<h1>Brief</h1>");
    expect(html).toContain("<li>one</li>");
    expect(html).toContain("<td>1</td>");
    expect(html).toContain("<code>x</code>");
  });

  it("drops scripts, event handlers, styles and remote images", () => {
    const html = renderMarkdown(
      'Hi <script>alert(1)</script><img src="https://tracker.example/p.png" onerror="alert(2)"><p style="color:red" onclick="x()">t</p>\n\n![pixel](https://tracker.example/q.png)',
    );
    expect(html).not.toMatch(/<script|onerror|onclick|style=|<img|tracker\.example/);
    expect(html).toContain("t</p>");
  });

  it("refuses javascript: links and opens others safely", () => {
    const html = renderMarkdown("[bad](javascript:alert(1)) [good](https://example.com)");
    expect(html).not.toContain("javascript:");
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });
});
