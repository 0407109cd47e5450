import { describe, expect, test } from "vitest";
import { firstLine } from "@/lib/tasks/task-previews";

describe("the inbox's one-line result preview", () => {
  test("is the first line with words, without markdown's marks", () => {
    expect(firstLine("# Morning brief\n\nThree issues are overdue.")).toBe("Morning brief");
    expect(firstLine("\n\n- **Acme** is [waiting](https://support.example.com/4711) on `v2`\n")).toBe("Acme is waiting on v2");
    expect(firstLine("> Quoted first\nthen more")).toBe("Quoted first");
  });

  test("skips lines with nothing to read and a table's divider row", () => {
    expect(firstLine("---\n\n| --- | --- |\n| Week | Visits |")).toBe("| Week | Visits |");
    expect(firstLine("***\n   \n")).toBeNull();
  });

  test("is clipped to one short line, and a character cut in half at the end is dropped", () => {
    const long = firstLine(`${"word ".repeat(60)}`)!;
    expect(long.length).toBeLessThanOrEqual(160);
    expect(long.endsWith("…")).toBe(true);
    expect(firstLine("Résumé ready\uFFFD")).toBe("Résumé ready");
    expect(firstLine("مرحبا بالعالم")).toBe("مرحبا بالعالم");
  });
});
