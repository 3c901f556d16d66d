import { describe, expect, it } from "vitest";
import { captureFileName, compareCaptureNames, formatCaptureLine, formatHeaderLine, parseCaptureLine, parseHeaderLine } from "./capture-format.ts";

describe("capture format", () => {
  it("splits a frame line on its first two tabs only", () => {
    expect(parseCaptureLine("1756904112212\tws\t{\"a\":\"x\ty\"}")).toEqual({ tsInit: 1756904112212, source: "ws", raw: '{"a":"x\ty"}' });
  });

  it("explains a malformed line instead of throwing", () => {
    expect(parseCaptureLine("no tabs here")).toBe("line has fewer than three tab-separated fields");
    expect(parseCaptureLine("12.5\tws\t{}")).toBe('tsInit is not a non-negative integer ms (got "12.5")');
    expect(parseCaptureLine("\tws\t{}")).toBe('tsInit is not a non-negative integer ms (got "")');
  });

  it("round-trips a header and refuses another version", () => {
    const line = formatHeaderLine({ startMs: 1, venue: "hyperliquid", network: "testnet" });
    expect(line).toBe('#strategy-monitor-capture v1 {"startMs":1,"venue":"hyperliquid","network":"testnet"}');
    expect(parseHeaderLine(line)).toEqual({ ok: true, header: { startMs: 1, venue: "hyperliquid", network: "testnet" } });
    expect(parseHeaderLine("#strategy-monitor-capture v2 {}")).toEqual({ ok: false, reason: 'unsupported capture version "v2" (this code reads v1)' });
  });

  it("formats a line with its newline and refuses a negative time", () => {
    expect(formatCaptureLine(5, "info:spotMeta", "{}")).toBe("5\tinfo:spotMeta\t{}\n");
    expect(() => formatCaptureLine(-1, "ws", "{}")).toThrow(/tsInit/);
  });

  it("orders rotated files by date, then rotation index", () => {
    const names = ["h-2025-09-04.cap.gz", "h-2025-09-03.10.cap.gz", "h-2025-09-03.2.cap.gz", "h-2025-09-03.cap.gz"];
    expect([...names].sort(compareCaptureNames)).toEqual(["h-2025-09-03.cap.gz", "h-2025-09-03.2.cap.gz", "h-2025-09-03.10.cap.gz", "h-2025-09-04.cap.gz"]);
    expect(captureFileName("h", "2025-09-03", 0)).toBe("h-2025-09-03.cap.gz");
    expect(captureFileName("h", "2025-09-03", 3)).toBe("h-2025-09-03.3.cap.gz");
  });
});
