import { describe, expect, it } from "vitest";
import { decodeBlock, decodeLz4Frames, Lz4FormatError, Lz4Output } from "./lz4-frame.ts";

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex"));
const ascii = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

describe("decodeBlock (LZ4 sequences)", () => {
  it("copies literals, then a match that overlaps what it writes", () => {
    // token 0x35: 3 literals "abc", match length 5 + 4 = 9 at offset 3 → "abc" + "abcabcabc";
    // token 0x10: 1 literal "x", the last sequence (literals only).
    const block = Uint8Array.from([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x78]);
    const out = new Lz4Output(4); // grows as needed
    decodeBlock(block, 0, block.length, out);
    expect(ascii(out.bytes.subarray(0, out.length))).toBe("abcabcabcabcx");
  });

  it("reads extended lengths: 15 + 255 + 3 literals", () => {
    const literals = new Uint8Array(273).fill(0x41);
    const block = Uint8Array.from([0xf0, 255, 3, ...literals]);
    const out = new Lz4Output();
    decodeBlock(block, 0, block.length, out);
    expect(out.length).toBe(273);
  });

  it("refuses a match reaching before the start of the output", () => {
    const out = new Lz4Output();
    expect(() => decodeBlock(Uint8Array.from([0x10, 0x61, 0x05, 0x00]), 0, 4, out)).toThrow(/offset 5 reaches before the data/);
  });
});

describe("decodeLz4Frames", () => {
  it("decodes what pyarrow's LZ4 frame codec wrote (pa.compress(data, codec='lz4'))", () => {
    // frame: magic 04224d18, FLG 0x60, BD 0x40, HC 0x82; block of 0x16 bytes:
    // 3f "abc" 0300 08 → "abc" + match (15 + 8 + 4 = 27) at offset 3 → "abc" × 10;
    // 69 "-hello" 0600 → "-hello" + match 9 + 4 = 13 at offset 6; 50 "hello"; EndMark.
    const frame = hex("04224d18604082160000003f616263030008692d68656c6c6f06005068656c6c6f00000000");
    expect(ascii(decodeLz4Frames(frame))).toBe(`${"abc".repeat(10)}-hello-hello-hello-hello`);
  });

  it("decodes extended literal and match lengths from pyarrow: bytes 0..255 three times, then 300 zeros", () => {
    const frame = hex(
      "04224d1860408211010000fff1" +
        Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i)).toString("hex") +
        "0001ffef0f0100ff1450000000000000000000",
    );
    const expected = new Uint8Array(256 * 3 + 300);
    for (let i = 0; i < 768; i += 1) expected[i] = i % 256;
    expect(decodeLz4Frames(frame)).toEqual(expected);
  });

  it("reads an uncompressed block and concatenated frames", () => {
    const stored = hex("04224d18 6070 00 03000080 616263 00000000");
    expect(ascii(decodeLz4Frames(Uint8Array.from([...stored, ...stored])))).toBe("abcabc");
  });

  it("refuses data that is not an LZ4 frame", () => {
    expect(() => decodeLz4Frames(hex("28b52ffd00000000"))).toThrow(Lz4FormatError);
    expect(() => decodeLz4Frames(hex("04224d18 6070 00 ff000000 61"))).toThrow(/runs past the end/);
  });
});
