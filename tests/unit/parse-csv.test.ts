import { describe, expect, it } from "vitest";
import { parseCsv } from "@/lib/artifacts/parse-csv";

describe("parseCsv", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks", () => {
    const csv = 'name,note\r\n"Smith, Jo","said ""hi""\nthen left"\nLee,ok\n';
    expect(parseCsv(csv)).toEqual({
      rows: [
        ["name", "note"],
        ["Smith, Jo", 'said "hi"\nthen left'],
        ["Lee", "ok"],
      ],
      truncated: false,
    });
  });

  it("keeps empty fields and a last line without a newline", () => {
    expect(parseCsv("a,,c\n,b,").rows).toEqual([
      ["a", "", "c"],
      ["", "b", ""],
    ]);
  });

  it("caps the preview", () => {
    const csv = Array.from({ length: 10 }, (_, index) => `row${index}`).join("\n");
    expect(parseCsv(csv, 3)).toEqual({ rows: [["row0"], ["row1"], ["row2"]], truncated: true });
  });
});
