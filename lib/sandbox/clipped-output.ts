// A command's output, kept within a budget: the first half and the last half of the budget, so
// both the command's start and its final error (where a test runner prints its summary) survive.
export class ClippedOutput {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    const headRoom = Math.floor(this.maxBytes / 2) - this.headBytes;
    if (headRoom > 0) {
      const kept = chunk.subarray(0, headRoom);
      this.head.push(kept);
      this.headBytes += kept.byteLength;
      chunk = chunk.subarray(kept.byteLength);
    }
    if (chunk.byteLength === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.byteLength;
    const tailBudget = this.maxBytes - Math.floor(this.maxBytes / 2);
    while (this.tailBytes > tailBudget) {
      const first = this.tail[0]!;
      const excess = this.tailBytes - tailBudget;
      if (first.byteLength <= excess) {
        this.tail.shift();
        this.tailBytes -= first.byteLength;
        this.dropped += first.byteLength;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
        this.dropped += excess;
      }
    }
  }

  /** Bytes written in all, kept or not. */
  get totalBytes(): number {
    return this.headBytes + this.tailBytes + this.dropped;
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  text(): string {
    const head = Buffer.concat(this.head).toString("utf8");
    const tail = Buffer.concat(this.tail).toString("utf8");
    return this.dropped > 0 ? `${head}\n… [${this.dropped} bytes of output left out] …\n${tail}` : head + tail;
  }
}
