// One HTTP exchange with an address the SSRF guard has already approved. The socket dials that
// address (an IP literal, so no DNS happens here) while the Host header and TLS SNI/certificate
// check keep the URL's own host name. The body is read up to a byte cap, decompressed if the
// server compressed it (the cap counts decompressed bytes, so a small gzip bomb stays small).
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import type { ResolvedAddress } from "./ssrf-guard";
import { bareHostname } from "./ssrf-guard";

export interface ExchangeRequest {
  url: URL;
  address: ResolvedAddress;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  maxBytes: number;
  connectTimeoutMs: number;
  signal: AbortSignal;
}

export interface ExchangeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
  /** Set when the body is compressed in a way Baton cannot decode. */
  undecodable?: string;
}

export class ConnectTimeoutError extends Error {
  constructor(ms: number) {
    super(`connect timed out after ${ms} ms`);
    this.name = "ConnectTimeoutError";
  }
}

/** Hands the pinned address to anything that still asks (Node skips lookup for IP literals). */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
}

function decoderFor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null | undefined {
  const name = (encoding ?? "identity").trim().toLowerCase();
  if (name === "identity" || name === "") return null;
  if (name === "gzip" || name === "x-gzip") return zlib.createGunzip();
  if (name === "deflate") return zlib.createInflate();
  if (name === "br") return zlib.createBrotliDecompress();
  return undefined;
}

function readBody(response: IncomingMessage, maxBytes: number): Promise<Omit<ExchangeResponse, "status" | "headers">> {
  const contentEncoding = response.headers["content-encoding"];
  const decoder = decoderFor(contentEncoding);
  const source: Readable = decoder ? response.pipe(decoder) : response;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (truncated: boolean) => {
      if (settled) return;
      settled = true;
      resolve({
        body: Buffer.concat(chunks, size),
        truncated,
        ...(decoder === undefined ? { undecodable: contentEncoding } : {}),
      });
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    source.on("data", (chunk: Buffer) => {
      if (settled) return;
      const room = maxBytes - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (chunk.length > room) {
        // Stop reading: the rest of the body is never downloaded.
        finish(true);
        response.destroy();
        decoder?.destroy();
      }
    });
    source.on("end", () => finish(false));
    source.on("error", fail);
    if (decoder) response.on("error", fail);
  });
}

export function exchange(request: ExchangeRequest): Promise<ExchangeResponse> {
  const { url, address } = request;
  const hostname = bareHostname(url);
  const client = url.protocol === "https:" ? https : http;

  return new Promise((resolve, reject) => {
    const outgoing = client.request({
      protocol: url.protocol,
      host: address.address,
      family: address.family,
      port: url.port || (url.protocol === "https:" ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: { ...request.headers, host: url.host },
      // SNI and the certificate check use the name the user asked for, not the pinned address.
      ...(url.protocol === "https:" && !isIP(hostname) ? { servername: hostname } : {}),
      lookup: pinnedLookup(address),
      // No pooling: a kept-alive socket must never carry a request to a different pinned address.
      agent: false,
      signal: request.signal,
    });

    outgoing.on("socket", (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => outgoing.destroy(new ConnectTimeoutError(request.connectTimeoutMs)), request.connectTimeoutMs);
      socket.once("connect", () => clearTimeout(timer));
      socket.once("close", () => clearTimeout(timer));
    });
    outgoing.on("error", reject);
    outgoing.on("response", (response) => {
      readBody(response, request.maxBytes).then(
        (body) => resolve({ status: response.statusCode ?? 0, headers: response.headers, ...body }),
        reject,
      );
    });
    outgoing.end(request.body);
  });
}
