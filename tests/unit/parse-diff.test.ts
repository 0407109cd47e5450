import { describe, expect, it } from "vitest";
import { parseDiff } from "@/lib/code/parse-diff";

// What propose_patch saves: git format-patch output, with its mail header and signature.
const PATCH = [
  "From 3f1c0de Mon Sep 17 00:00:00 2001",
  "From: Baton <baton@localhost>",
  "Subject: [PATCH] Start an empty cart's total at 0",
  "",
  "---",
  " src/cart.js      | 2 +-",
  " test/empty.test.js | 5 +++++",
  " 2 files changed, 6 insertions(+), 1 deletion(-)",
  "",
  "diff --git a/src/cart.js b/src/cart.js",
  "index 1111111..2222222 100644",
  "--- a/src/cart.js",
  "+++ b/src/cart.js",
  "@@ -1,3 +1,3 @@ export function total(lines) {",
  " export function total(lines) {",
  "-  return lines.reduce((sum, line) => sum + line.price * line.quantity);",
  "+  return lines.reduce((sum, line) => sum + line.price * line.quantity, 0);",
  " }",
  "diff --git a/test/empty.test.js b/test/empty.test.js",
  "new file mode 100644",
  "index 0000000..3333333",
  "--- /dev/null",
  "+++ b/test/empty.test.js",
  "@@ -0,0 +1,5 @@",
  "+import test from \"node:test\";",
  "+import assert from \"node:assert\";",
  "+import { total } from \"../src/cart.js\";",
  "+",
  "+test(\"<b>empty</b>\", () => assert.equal(total([]), 0));",
  "\\ No newline at end of file",
  "-- ",
  "2.39.5",
  "",
].join("\n");

describe("reading a patch for the diff view", () => {
  it("finds each file with its hunks, its +/- counts and line numbers", () => {
    const [cart, added] = parseDiff(PATCH);
    expect(cart).toMatchObject({ path: "src/cart.js", status: "modified", added: 1, removed: 1 });
    expect(cart!.hunks).toHaveLength(1);
    expect(cart!.hunks[0]!.lines.map((line) => [line.kind, line.oldNumber, line.newNumber])).toEqual([
      ["context", 1, 1],
      ["removed", 2, null],
      ["added", null, 2],
      ["context", 3, 3],
    ]);
    expect(added).toMatchObject({ path: "test/empty.test.js", status: "added", added: 5, removed: 0 });
    // The signature after "-- " is not a removed line, and markup stays text.
    expect(added!.hunks[0]!.lines.at(-1)).toEqual({ kind: "added", text: "test(\"<b>empty</b>\", () => assert.equal(total([]), 0));", oldNumber: null, newNumber: 5 });
  });

  it("marks renames, deletions and binary files", () => {
    const files = parseDiff(
      ["diff --git a/old.txt b/new.txt", "similarity index 100%", "rename from old.txt", "rename to new.txt", "diff --git a/gone.txt b/gone.txt", "deleted file mode 100644", "--- a/gone.txt", "+++ /dev/null", "@@ -1 +0,0 @@", "-bye", "diff --git a/logo.png b/logo.png", "Binary files a/logo.png and b/logo.png differ"].join("\n"),
    );
    expect(files.map((file) => [file.path, file.status, file.oldPath, file.binary, file.removed])).toEqual([
      ["new.txt", "renamed", "old.txt", false, 0],
      ["gone.txt", "deleted", null, false, 1],
      ["logo.png", "modified", null, true, 0],
    ]);
  });
});
