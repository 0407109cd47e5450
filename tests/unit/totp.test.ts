// TOTP codes as an authenticator app shows them: checked against the published test vectors of
// RFC 4226 (HOTP, appendix D) and RFC 6238 (TOTP, appendix B), and the secret as people paste it.
import { describe, expect, it } from "vitest";
import { decodeBase32, hotp, normalizeTotpSecret, totp } from "@/lib/credentials/totp";

// The RFCs' ASCII secrets, base32-encoded as a site would show them.
const SHA1_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
const SHA256_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA"; // 32 bytes
const SHA512_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA"; // 64 bytes

// RFC 6238 appendix B: Unix time -> 8-digit codes for SHA1, SHA256, SHA512.
const RFC6238: [number, string, string, string][] = [
  [59, "94287082", "46119246", "90693936"],
  [1111111109, "07081804", "68084774", "25091201"],
  [1111111111, "14050471", "67062674", "99943326"],
  [1234567890, "89005924", "91819424", "93441116"],
  [2000000000, "69279037", "90698825", "38618901"],
  [20000000000, "65353130", "77737706", "47863826"],
];

describe("TOTP", () => {
  it("decodes base32 to the RFCs' secrets", () => {
    expect(decodeBase32(SHA1_SECRET).toString("ascii")).toBe("12345678901234567890");
    expect(decodeBase32(SHA512_SECRET).toString("ascii")).toBe("1234567890".repeat(6) + "1234");
  });

  it("makes RFC 4226's HOTP codes for counters 0 to 9", () => {
    const key = Buffer.from("12345678901234567890", "ascii");
    const codes = Array.from({ length: 10 }, (_, counter) => hotp(key, counter));
    expect(codes).toEqual(["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]);
  });

  it.each(RFC6238)("makes RFC 6238's codes at %i s", (seconds, sha1, sha256, sha512) => {
    const at = seconds * 1000;
    expect(totp(SHA1_SECRET, { at, digits: 8 })).toBe(sha1);
    expect(totp(SHA256_SECRET, { at, digits: 8, algorithm: "sha256" })).toBe(sha256);
    expect(totp(SHA512_SECRET, { at, digits: 8, algorithm: "sha512" })).toBe(sha512);
  });

  it("gives the 6-digit code apps show by default, the same for the whole 30-second step", () => {
    expect(totp(SHA1_SECRET, { at: 59_000 })).toBe("287082");
    expect(totp(SHA1_SECRET, { at: 1111111109_000 })).toBe("081804");
    expect(totp(SHA1_SECRET, { at: 1111111080_000 })).toBe(totp(SHA1_SECRET, { at: 1111111109_999 }));
    expect(totp(SHA1_SECRET, { at: 1111111110_000 })).not.toBe(totp(SHA1_SECRET, { at: 1111111109_999 }));
  });

  it("accepts the secret as sites show it: grouped, lower-case, padded", () => {
    expect(normalizeTotpSecret("gezd gnbv gy3t qojq gezd gnbv gy3t qojq")).toBe(SHA1_SECRET);
    expect(normalizeTotpSecret("GEZDGNBV-GY3TQOJQ-GEZDGNBV-GY3TQOJQ")).toBe(SHA1_SECRET);
    expect(normalizeTotpSecret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA====")).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA");
  });

  it("refuses what is not a base32 secret, or too short to be one", () => {
    expect(normalizeTotpSecret("not-a-secret!")).toBeNull();
    expect(normalizeTotpSecret("GEZDGNBVGY3TQOJ1")).toBeNull(); // 1 is not base32
    expect(normalizeTotpSecret("GEZDGNBV")).toBeNull(); // 5 bytes
    expect(normalizeTotpSecret("")).toBeNull();
  });
});
