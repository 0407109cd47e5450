import type { ToolContext } from "@/lib/tools/types";

/** A tool context for tool unit tests; artifacts are kept in memory. */
export function testToolContext(overrides: Partial<ToolContext> = {}): ToolContext & { artifacts: Map<string, string> } {
  const artifacts = new Map<string, string>();
  return {
    taskId: "task",
    runId: "run",
    userId: "user",
    workspaceDir: "/nonexistent",
    httpAllowlist: [],
    idempotencyKey: "baton-test-call",
    async saveArtifact({ name, content }) {
      artifacts.set(name, typeof content === "string" ? content : Buffer.from(content).toString("latin1"));
      return { id: name, sizeBytes: Buffer.byteLength(content) };
    },
    artifacts,
    ...overrides,
  };
}
