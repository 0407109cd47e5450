// What a push notification carries to the service worker. The JSON is encrypted per device, and a
// push service takes at most 4096 bytes of ciphertext, so the size is checked here, before any
// network work, with a message that says by how much it is over.
import { z } from "zod";

/**
 * The largest JSON a notification may be. RFC 8291 caps a push message at 4096 bytes of
 * aes128gcm body, and that body is: a header of 86 bytes (16 salt + 4 record size + 1 key-id
 * length + 65 key id, the sender's uncompressed P-256 public key), then one record holding the
 * plaintext, a 1-byte padding delimiter and a 16-byte AEAD tag. 4096 - 86 - 1 - 16 = 3993.
 */
export const MAX_PUSH_PLAINTEXT_BYTES = 4096 - (16 + 4 + 1 + 65) - 16 - 1;

/** An app path such as "/approvals/123": never a scheme, "//host" or "/\host" (browsers read both as another host). */
const appPath = z
  .string()
  .max(2048)
  .regex(/^\/(?![/\\])[^\s\\]*$/, 'Give an app path that starts with a single "/", such as "/tasks/123".');

export const pushPayload = z.strictObject({
  v: z.literal(1),
  kind: z.enum(["approval", "completed", "failed", "schedule", "takeover"]),
  title: z.string().min(1).max(120),
  body: z.string().max(300),
  url: appPath,
  /** Notifications with the same tag replace each other on the device. */
  tag: z.string().min(1).max(100),
  actions: z
    .array(z.strictObject({ action: z.enum(["approve", "deny"]), title: z.string().min(1).max(40) }))
    .max(2)
    .optional(),
  /** Single-use tokens that let the notification's buttons decide without opening the app. */
  tokens: z.strictObject({ approve: z.string().min(1).max(512), deny: z.string().min(1).max(512) }).optional(),
});

export type PushPayload = z.infer<typeof pushPayload>;

export class PushPayloadTooLargeError extends Error {
  readonly size: number;
  readonly limit: number;

  constructor(size: number, limit = MAX_PUSH_PLAINTEXT_BYTES) {
    super(`The push payload is ${size} bytes of JSON; push services accept at most ${limit} (${size - limit} over). Shorten the title, body or URL.`);
    this.name = "PushPayloadTooLargeError";
    this.size = size;
    this.limit = limit;
  }
}

/** Validates the payload and returns it as UTF-8 JSON; throws a ZodError or PushPayloadTooLargeError. */
export function encodePushPayload(payload: PushPayload): Buffer {
  const json = Buffer.from(JSON.stringify(pushPayload.parse(payload)), "utf8");
  if (json.length > MAX_PUSH_PLAINTEXT_BYTES) throw new PushPayloadTooLargeError(json.length);
  return json;
}
