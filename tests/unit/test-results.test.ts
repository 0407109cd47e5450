import { describe, expect, it } from "vitest";
import { readTestResults } from "@/lib/code/test-results";

describe("reading a test run's results from its output", () => {
  it("counts passed and failed tests as the common runners print them", () => {
    expect(readTestResults("Tests:       1 failed, 3 passed, 4 total\n  ● cart › totals an empty cart\n", 1)).toEqual({ passed: 3, failed: 1, failing: ["cart › totals an empty cart"], exitCode: 1 });
    expect(readTestResults(" FAIL  test/cart.test.ts > totals\n Tests  1 failed | 5 passed (6)\n", 1)).toMatchObject({ passed: 5, failed: 1 });
    expect(readTestResults("FAILED tests/test_cart.py::test_empty - TypeError\n===== 1 failed, 7 passed in 0.12s =====\n", 1)).toEqual({ passed: 7, failed: 1, failing: ["tests/test_cart.py::test_empty"], exitCode: 1 });
    expect(readTestResults("=== RUN   TestEmpty\n--- FAIL: TestEmpty (0.00s)\n--- PASS: TestOne (0.00s)\nFAIL\n", 1)).toEqual({ passed: 1, failed: 1, failing: ["TestEmpty"], exitCode: 1 });
    expect(readTestResults("ok 1 - adds\n# pass 4\n# fail 0\n", 0)).toEqual({ passed: 4, failed: 0, failing: [], exitCode: 0 });
  });

  it("says nothing about counts a runner does not print", () => {
    expect(readTestResults("all good\n", 0)).toEqual({ passed: null, failed: null, failing: [], exitCode: 0 });
  });
});
