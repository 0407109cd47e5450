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
      artifacts.set(name, content);
      return { id: name, sizeBytes: Buffer.byteLength(content) };
    },
    artifacts,
    ...overrides,
  };
}
