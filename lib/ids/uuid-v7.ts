// UUIDv7 ids made in Node, as Prisma's `@default(uuid(7))` makes them, for rows Baton inserts with
// its own SQL. Not Postgres 18's uuidv7(): DATABASE_URL may point at an older server.
import { randomFillSync } from "node:crypto";

// Random bytes drawn 4 KiB at a time: one getrandom call per 256 ids rather than one per id (a
// burst of task creations spent more on that call than on the rest of the id).
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomSlice(size: number): Buffer {
  if (poolOffset + size > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += size;
  return pool.subarray(poolOffset - size, poolOffset);
}

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit sequence and 62 random bits.
 * Ids from one process only ever increase (the inbox pages by id): within a millisecond the
 * sequence counts up from a random start, and when it runs out the timestamp moves on by one.
 */
export function uuidv7(): string {
  const now = Date.now();
  const bytes = Buffer.from(randomSlice(16));
  if (now > lastMs) {
    lastMs = now;
    // The lower half, so a busy millisecond has at least 2,048 ids left before it borrows the next.
    sequence = bytes.readUInt16BE(6) & 0x7ff;
  } else if (++sequence > 0xfff) {
    lastMs += 1;
    sequence = 0;
  }
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
