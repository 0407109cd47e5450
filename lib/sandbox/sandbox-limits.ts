// What one sandboxed command may use. Each limit is enforced by the kernel (rlimits set by
// prlimit, a pid namespace, a size-capped tmpfs) or by the runner (wall time, output), never by
// asking the command to behave.
import { z } from "zod";

export const sandboxLimitsSchema = z.object({
  /** Wall-clock time before the whole process tree is killed. */
  wallTimeMs: z.number().int().min(100).max(60 * 60_000),
  /** CPU seconds per process (RLIMIT_CPU): a busy loop ends even inside the wall time. */
  cpuSeconds: z.number().int().min(1).max(3600),
  /** Address space per process (RLIMIT_AS). Node needs about 1 GiB of it to start. */
  memoryBytes: z.number().int().min(64 * 1024 * 1024),
  /** Processes and threads (RLIMIT_NPROC), counted inside the sandbox's own user: a fork bomb stops here. */
  maxProcesses: z.number().int().min(8).max(4096),
  /** Largest file a command may write (RLIMIT_FSIZE). */
  maxFileBytes: z.number().int().min(1024),
  /** Size of the private /tmp (a tmpfs). */
  tmpBytes: z.number().int().min(1024 * 1024),
  /** Output kept per stream (stdout, stderr): the start and the end, the middle dropped. */
  maxOutputBytes: z.number().int().min(256).max(16 * 1024 * 1024),
});
export type SandboxLimits = z.infer<typeof sandboxLimitsSchema>;

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  wallTimeMs: 5 * 60_000,
  cpuSeconds: 120,
  memoryBytes: 2 * 1024 * 1024 * 1024,
  maxProcesses: 256,
  maxFileBytes: 256 * 1024 * 1024,
  tmpBytes: 256 * 1024 * 1024,
  maxOutputBytes: 64 * 1024,
};
