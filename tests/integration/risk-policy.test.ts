import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db";
import { getPolicy, policyFor, setPolicyRule, toolClassPolicyFor } from "@/lib/policy/risk-policy";
import { createTestUser } from "../support/factories";

let db: Db;
beforeAll(() => {
  db = createDb(process.env.DATABASE_URL!);
});
afterAll(async () => {
  await db.$disconnect();
});

describe("risk policy", () => {
  it("defaults: reads allowed; writes, external effects and destruction ask; results are always allowed", async () => {
    const userId = await createTestUser(db);
    expect(await policyFor(db, { userId, toolName: "http_request", risk: "read" })).toBe("allow");
    expect(await policyFor(db, { userId, toolName: "http_request", risk: "external" })).toBe("ask");
    expect(await policyFor(db, { userId, toolName: "http_request", risk: "destructive" })).toBe("ask");
    expect(await policyFor(db, { userId, toolName: "crm__update", risk: "write" })).toBe("ask");
    expect(await policyFor(db, { userId, toolName: "write_artifact", risk: "write" })).toBe("allow");
  });

  it("a class rule changes the kind; a tool rule wins over it; rules are per user", async () => {
    const userId = await createTestUser(db);
    const other = await createTestUser(db);
    await setPolicyRule(db, { userId, scope: "class", key: "external", decision: "deny" });
    await setPolicyRule(db, { userId, scope: "tool", key: "slack__post", decision: "allow" });
    expect(await policyFor(db, { userId, toolName: "http_request", risk: "external" })).toBe("deny");
    expect(await policyFor(db, { userId, toolName: "slack__post", risk: "external" })).toBe("allow");
    expect(await policyFor(db, { userId: other, toolName: "http_request", risk: "external" })).toBe("ask");
    await setPolicyRule(db, { userId, scope: "tool", key: "write_artifact", decision: "ask" });
    expect(await policyFor(db, { userId, toolName: "write_artifact", risk: "write" })).toBe("ask");

    await setPolicyRule(db, { userId, scope: "class", key: "external", decision: null });
    const policy = await getPolicy(db, userId);
    expect(policy.classes.find((entry) => entry.risk === "external")).toEqual({ risk: "external", decision: "ask", isDefault: true });
    expect(policy.tools).toEqual([
      { tool: "slack__post", decision: "allow" },
      { tool: "write_artifact", decision: "ask" },
    ]);
    // Computer use is off until the person turns it on, and the rule is theirs alone.
    expect(policy.toolClasses).toEqual([{ toolClass: "computer-use", decision: "deny", isDefault: true }]);
    expect(await toolClassPolicyFor(db, { userId, toolClass: "computer-use" })).toBe("deny");
    await setPolicyRule(db, { userId, scope: "class", key: "computer-use", decision: "ask" });
    expect(await toolClassPolicyFor(db, { userId, toolClass: "computer-use" })).toBe("ask");
    expect(await toolClassPolicyFor(db, { userId: other, toolClass: "computer-use" })).toBe("deny");
    expect((await getPolicy(db, userId)).toolClasses).toEqual([{ toolClass: "computer-use", decision: "ask", isDefault: false }]);
  });
});
