// A fake push service on 127.0.0.1 that speaks the real protocol, so the real web-push code runs:
// it hands out subscriptions with real P-256 keys (as a browser would), checks each request's
// VAPID JWT (RFC 8292), decrypts the aes128gcm body (RFC 8188 + RFC 8291) with node:crypto only,
// and answers with whatever a test has queued for that subscription (201 by default).
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "./read-body";

export interface FakeSubscription {
  id: string;
  endpoint: string;
  /** As PushSubscription.toJSON().keys: base64url. */
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  subscriptionId: string;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  /** The decrypted body, parsed as JSON. */
  payload: unknown;
  vapidSubject: string;
  /** Size of the encrypted body in bytes. */
  bodyBytes: number;
}

/** Every request that reached the server, accepted or not. */
export interface ReceivedRequest {
  method: string;
  subscriptionId: string | null;
  status: number;
  /** Why the fake refused it (bad VAPID, undecryptable body, …), when it did. */
  refusal?: string;
}

export interface ScriptedResponse {
  status: number;
  retryAfter?: string;
  body?: string;
  /** Wait this long before answering (to exercise timeouts). */
  delayMs?: number;
}

export interface PushReceiver {
  origin: string;
  messages: ReceivedPush[];
  requests: ReceivedRequest[];
  createSubscription(): FakeSubscription;
  /** Queues responses for a subscription's next requests, in order; afterwards 201 again. */
  respondWith(subscriptionId: string, responses: ScriptedResponse[]): void;
  close(): Promise<void>;
}

/** RFC 8291: the push service never accepts more than this much encrypted body. */
const MAX_BODY_BYTES = 4096;

interface Keys {
  ecdh: crypto.ECDH;
  publicKey: Buffer;
  authSecret: Buffer;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function hkdf(salt: Buffer, ikm: Buffer, info: Buffer | string, length: number): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", ikm, salt, typeof info === "string" ? Buffer.from(info) : info, length));
}

function jsonPart<T>(part: string): T {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as T;
  } catch {
    throw new Refusal(401, "malformed JWT");
  }
}

/** Checks `Authorization: vapid t=<JWT>, k=<key>` and returns the JWT's subject. */
function verifyVapid(header: string | undefined, audience: string): string {
  const match = /^vapid\s+(.+)$/i.exec(header ?? "");
  if (!match?.[1]) throw new Refusal(401, "missing vapid Authorization header");
  const params = new Map(
    match[1].split(",").map((part) => {
      const [name = "", ...value] = part.trim().split("=");
      return [name.trim(), value.join("=").trim()] as const;
    }),
  );
  const token = params.get("t");
  const key = params.get("k");
  if (!token || !key) throw new Refusal(401, "vapid header lacks t= or k=");

  const [headerPart = "", payloadPart = "", signature = "", ...extra] = token.split(".");
  if (extra.length > 0 || !signature) throw new Refusal(401, "malformed JWT");
  const jwtHeader = jsonPart<{ alg?: unknown }>(headerPart);
  if (jwtHeader.alg !== "ES256") throw new Refusal(403, `JWT alg is ${String(jwtHeader.alg)}, not ES256`);

  const point = Buffer.from(key, "base64url");
  if (point.length !== 65 || point[0] !== 4) throw new Refusal(403, "k is not an uncompressed P-256 key");
  const publicKey = crypto.createPublicKey({
    key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") },
    format: "jwk",
  });
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  if (!crypto.verify("sha256", signed, { key: publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"))) {
    throw new Refusal(403, "JWT signature does not verify with k");
  }

  const claims = jsonPart<{ aud?: unknown; exp?: unknown; sub?: unknown }>(payloadPart);
  const now = Math.floor(Date.now() / 1000);
  if (claims.aud !== audience) throw new Refusal(403, `JWT aud ${String(claims.aud)} is not ${audience}`);
  if (typeof claims.exp !== "number" || claims.exp <= now) throw new Refusal(403, "JWT expired");
  if (claims.exp > now + 24 * 3600) throw new Refusal(403, "JWT exp more than 24 h ahead");
  if (typeof claims.sub !== "string" || !/^(mailto:|https:)/.test(claims.sub)) throw new Refusal(403, "JWT sub is not mailto: or https:");
  return claims.sub;
}

/** RFC 8188 framing with the RFC 8291 key derivation; one record, as Web Push requires. */
function decrypt(body: Buffer, keys: Keys): Buffer {
  if (body.length < 21) throw new Refusal(400, "body shorter than the aes128gcm header");
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body.readUInt8(20);
  const senderKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Refusal(400, `key id is ${idLength} bytes, not a P-256 public key`);
  if (record.length > recordSize || record.length < 17) throw new Refusal(400, "not exactly one record");

  const ecdhSecret = keys.ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), keys.publicKey, senderKey]);
  const ikm = hkdf(keys.authSecret, ecdhSecret, keyInfo, 32);
  const cek = hkdf(salt, ikm, "Content-Encoding: aes128gcm\0", 16);
  const nonce = hkdf(salt, ikm, "Content-Encoding: nonce\0", 12);

  const decipher = crypto.createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  let padded: Buffer;
  try {
    padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  } catch {
    throw new Refusal(400, "body does not decrypt with the subscription's keys");
  }
  // Plaintext, then the delimiter 0x02 (last record), then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Refusal(400, "last record lacks the 0x02 delimiter");
  return padded.subarray(0, end);
}

interface Handled {
  subscriptionId: string | null;
  response: ScriptedResponse;
  refusal?: string;
}

function subscriptionIdOf(request: http.IncomingMessage): string | null {
  return /^\/push\/([A-Za-z0-9_-]+)$/.exec(request.url ?? "")?.[1] ?? null;
}

export async function startPushReceiver(): Promise<PushReceiver> {
  const subscriptions = new Map<string, Keys>();
  const scripts = new Map<string, ScriptedResponse[]>();
  const messages: ReceivedPush[] = [];
  const requests: ReceivedRequest[] = [];
  let origin = "";

  async function handle(request: http.IncomingMessage): Promise<Handled> {
    const id = subscriptionIdOf(request);
    const keys = id ? subscriptions.get(id) : undefined;
    const body = await readBody(request);
    if (request.method !== "POST") throw new Refusal(405, `${request.method} is not POST`);
    if (!id || !keys) throw new Refusal(404, "no such subscription");

    const vapidSubject = verifyVapid(request.headers.authorization, origin);
    const ttl = Number(request.headers.ttl);
    if (request.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0) throw new Refusal(400, "missing or invalid TTL header");
    if (request.headers["content-encoding"] !== "aes128gcm") throw new Refusal(415, `content-encoding ${String(request.headers["content-encoding"])}`);
    if (body.length > MAX_BODY_BYTES) throw new Refusal(413, `body is ${body.length} bytes, over ${MAX_BODY_BYTES}`);
    const plaintext = decrypt(body, keys);

    const response = scripts.get(id)?.shift() ?? { status: 201 };
    if (response.status >= 200 && response.status < 300) {
      messages.push({
        subscriptionId: id,
        ttl,
        urgency: typeof request.headers.urgency === "string" ? request.headers.urgency : null,
        topic: typeof request.headers.topic === "string" ? request.headers.topic : null,
        payload: JSON.parse(plaintext.toString("utf8")),
        vapidSubject,
        bodyBytes: body.length,
      });
    }
    return { subscriptionId: id, response };
  }

  const server = http.createServer((request, response) => {
    handle(request)
      .catch((error: unknown): Handled => {
        const refusal = error instanceof Refusal ? error : new Refusal(400, String(error));
        return { subscriptionId: subscriptionIdOf(request), response: { status: refusal.status, body: refusal.message }, refusal: refusal.message };
      })
      .then(async (result) => {
        const { status, retryAfter, body, delayMs } = result.response;
        requests.push({ method: request.method ?? "", subscriptionId: result.subscriptionId, status, ...(result.refusal ? { refusal: result.refusal } : {}) });
        if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (response.destroyed) return;
        response.writeHead(status, { "content-type": "text/plain", ...(retryAfter ? { "retry-after": retryAfter } : {}) });
        response.end(body ?? "");
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    messages,
    requests,
    createSubscription() {
      const id = crypto.randomBytes(24).toString("base64url");
      const ecdh = crypto.createECDH("prime256v1");
      const publicKey = ecdh.generateKeys();
      const authSecret = crypto.randomBytes(16);
      subscriptions.set(id, { ecdh, publicKey, authSecret });
      return { id, endpoint: `${origin}/push/${id}`, keys: { p256dh: publicKey.toString("base64url"), auth: authSecret.toString("base64url") } };
    },
    respondWith(subscriptionId, responses) {
      scripts.set(subscriptionId, [...(scripts.get(subscriptionId) ?? []), ...responses]);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
