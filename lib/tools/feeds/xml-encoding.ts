// The bytes of an XML document -> text, by the XML rules for finding the encoding (XML 1.0
// Appendix F, with RFC 7303 §3.2 for what HTTP adds):
//   1. a byte-order mark is authoritative;
//   2. without one, the first bytes tell the family: ASCII in UTF-32 or UTF-16 has NULs in it;
//   3. for the ASCII-compatible family, the HTTP charset wins over the XML declaration, then the
//      declaration, then UTF-8.
// Why HTTP before the declaration: RFC 7303 makes the charset parameter authoritative, and the
// server that sends the bytes knows them better than a declaration that templates copy around
// unchanged (a CMS serving UTF-8 under a stale `encoding="ISO-8859-1"`). But a claim the bytes
// disprove is dropped for the next source: UTF-8 over bytes that are not valid UTF-8 (a server's
// blanket `charset=utf-8` over a Latin-1 file), or UTF-16/32 over a document whose "<?xml" is
// plain ASCII (.NET writes `encoding="utf-16"` into documents it then sends as UTF-8).
// EBCDIC documents are not supported (no decoder for them in Node).
import { decodeWith } from "../decode-text";

type Family = "ascii" | "utf-16le" | "utf-16be" | "utf-32le" | "utf-32be";

interface Detected {
  family: Family;
  /** Bytes of byte-order mark to skip. */
  skip: number;
  /** True when a byte-order mark named the encoding, which then wins over everything else. */
  bom: boolean;
}

const UTF32_LABELS: Record<string, "utf-32le" | "utf-32be"> = {
  "utf-32": "utf-32be",
  "utf-32be": "utf-32be",
  "utf-32le": "utf-32le",
  "ucs-4": "utf-32be",
  "iso-10646-ucs-4": "utf-32be",
};

function startsWith(bytes: Uint8Array, ...prefix: number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

function detectFamily(bytes: Uint8Array): Detected {
  if (startsWith(bytes, 0xef, 0xbb, 0xbf)) return { family: "ascii", skip: 3, bom: true };
  if (startsWith(bytes, 0x00, 0x00, 0xfe, 0xff)) return { family: "utf-32be", skip: 4, bom: true };
  if (startsWith(bytes, 0xff, 0xfe, 0x00, 0x00)) return { family: "utf-32le", skip: 4, bom: true };
  if (startsWith(bytes, 0xfe, 0xff)) return { family: "utf-16be", skip: 2, bom: true };
  if (startsWith(bytes, 0xff, 0xfe)) return { family: "utf-16le", skip: 2, bom: true };
  // Appendix F reads "<?" in these; any two ASCII characters say the same (ASCII text has no NULs),
  // and a document without a declaration, or with whitespace first, starts with something else.
  const nuls = [0, 1, 2, 3].map((index) => (bytes[index] === 0 ? "0" : "x")).join("");
  if (nuls === "000x") return { family: "utf-32be", skip: 0, bom: false };
  if (nuls === "x000") return { family: "utf-32le", skip: 0, bom: false };
  if (nuls === "0x0x") return { family: "utf-16be", skip: 0, bom: false };
  if (nuls === "x0x0") return { family: "utf-16le", skip: 0, bom: false };
  return { family: "ascii", skip: 0, bom: false };
}

/** The charset parameter of a Content-Type header. */
export function charsetOf(contentType: string | null): string | null {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1] ?? null;
}

/** The encoding named in `<?xml … encoding="…"?>`; the declaration is ASCII in every ASCII-compatible encoding. */
function declaredEncoding(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 512)).toString("latin1");
  return /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']/.exec(head)?.[1] ?? null;
}

/** A decoder for an ASCII-compatible charset label, or null for an unknown label or a UTF-16/32 one. */
function asciiCompatibleDecoder(label: string): TextDecoder | null {
  if (UTF32_LABELS[label.toLowerCase()]) return null;
  try {
    const decoder = new TextDecoder(label);
    return decoder.encoding.startsWith("utf-16") ? null : decoder;
  } catch {
    return null;
  }
}

/** The text, or null when a UTF-8 claim is disproved by bytes that are not UTF-8 (other charsets decode anything). */
function decodeAsClaimed(decoder: TextDecoder, bytes: Uint8Array): string | null {
  if (decoder.encoding !== "utf-8") return decodeWith(decoder, bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** UTF-32 has no decoder in Node: four bytes a code point; anything outside Unicode becomes U+FFFD. */
export function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let offset = 0; offset + 4 <= bytes.length; offset += 4) {
    const point = view.getUint32(offset, littleEndian);
    chunk.push(point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff) ? 0xfffd : point);
    // String.fromCodePoint takes its code points as arguments, so they go in bounded batches.
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  if (bytes.length % 4 !== 0) chunk.push(0xfffd);
  parts.push(String.fromCodePoint(...chunk));
  return parts.join("");
}

/** Decodes an XML document's bytes; `contentType` is the HTTP Content-Type header, if any. */
export function decodeXml(bytes: Uint8Array, contentType: string | null): string {
  const { family, skip, bom } = detectFamily(bytes);
  const body = bytes.subarray(skip);
  if (family === "utf-32le" || family === "utf-32be") return decodeUtf32(body, family === "utf-32le");
  if (family !== "ascii") return new TextDecoder(family).decode(body);
  if (bom) return new TextDecoder("utf-8").decode(body);

  for (const label of [charsetOf(contentType), declaredEncoding(body)]) {
    const decoder = label === null ? null : asciiCompatibleDecoder(label);
    const text = decoder ? decodeAsClaimed(decoder, body) : null;
    if (text !== null) return text;
  }
  return new TextDecoder("utf-8").decode(body);
}
