// Text from bytes in a named charset, for every tool that reads what a server sent.
// Bytes 0x80-0x9F of windows-1252 (which is also what WHATWG, and so TextDecoder, means by
// "iso-8859-1" and "us-ascii"). Node since 20.18.3 decodes them as Latin-1's C1 controls instead
// (nodejs/node#56542), which loses a feed's curly quotes and euro signs; mapping the C1 range
// afterwards is right on a fixed Node too.
const WINDOWS_1252_C1 =
  "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
  "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

/** Decodes with the decoder, mending windows-1252 where Node gets it wrong. */
export function decodeWith(decoder: TextDecoder, bytes: Uint8Array): string {
  const text = decoder.decode(bytes);
  if (decoder.encoding !== "windows-1252") return text;
  return text.replace(/[\u0080-\u009F]/g, (char) => WINDOWS_1252_C1.charAt(char.charCodeAt(0) - 0x80));
}
