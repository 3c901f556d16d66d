/**
 * A small freqtrade data directory, written with the Arrow library the way
 * `freqtrade download-data --exchange hyperliquid` lays it out (docs/FREQTRADE.md): Feather v2
 * files of `date, open, high, low, close, volume`, `date` a UTC timestamp of the candle's open.
 * Every value is chosen by hand so tests can state what replay must read.
 *
 * `lz4: true` compresses the buffers with LZ4 frames as pandas does; the frames written here hold
 * one uncompressed block each (a valid LZ4 frame that does not shrink the data, enough to drive
 * the reader's decompression path; the header checksum byte is written as 0, which our decoder,
 * like Arrow's own reader, does not check).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  compressionRegistry,
  CompressionType,
  Field,
  Float64,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  TimestampMillisecond,
  TimestampNanosecond,
} from "apache-arrow";
import { decodeLz4Frames } from "../src/replay/lz4-frame.ts";

/** One row of a freqtrade OHLCV table; `openMs` is the candle's open time (freqtrade's `date`). */
export interface FreqtradeRow {
  readonly openMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** An LZ4 frame holding `data` as one uncompressed block: magic, FLG (v1, independent blocks), BD (4 MB), HC, block, EndMark. */
export function lz4StoredFrame(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 3 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x184d2204, true);
  out[4] = 0x60;
  out[5] = 0x70;
  out[6] = 0; // header checksum: not verified by the decoder
  view.setUint32(7, (data.length | 0x80000000) >>> 0, true);
  out.set(data, 11);
  view.setUint32(11 + data.length, 0, true);
  return out;
}

/**
 * A freqtrade Feather file's bytes: the six OHLCV columns, `date` as `timestamp[ns, UTC]` (what
 * pandas writes) or `[ms, UTC]`.
 */
export function freqtradeFeather(rows: readonly FreqtradeRow[], options: { readonly dateUnit?: "ns" | "ms"; readonly lz4?: boolean } = {}): Uint8Array {
  const ns = (options.dateUnit ?? "ns") === "ns";
  const dateType = ns ? new TimestampNanosecond("UTC") : new TimestampMillisecond("UTC");
  const fields = [new Field("date", dateType, true), ...["open", "high", "low", "close", "volume"].map((n) => new Field(n, new Float64(), true))];
  const schema = new Schema(fields);
  const dates = new BigInt64Array(rows.map((r) => BigInt(r.openMs) * (ns ? 1_000_000n : 1n)));
  const number = (pick: (r: FreqtradeRow) => number) => makeData({ type: new Float64(), length: rows.length, nullCount: 0, data: new Float64Array(rows.map(pick)) });
  const children = [
    makeData({ type: dateType, length: rows.length, nullCount: 0, data: dates }),
    number((r) => r.open),
    number((r) => r.high),
    number((r) => r.low),
    number((r) => r.close),
    number((r) => r.volume),
  ];
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children }));
  if (options.lz4 === true) {
    compressionRegistry.set(CompressionType.LZ4_FRAME, { encode: lz4StoredFrame, decode: decodeLz4Frames });
  }
  const writer = new RecordBatchFileWriter(options.lz4 === true ? { compressionType: CompressionType.LZ4_FRAME } : {});
  writer.write(batch);
  writer.finish();
  return writer.toUint8Array(true);
}

const H = 3_600_000;
/** 2025-07-01 00:00 UTC: the fixture's first hourly open. */
export const FIXTURE_T0 = Date.UTC(2025, 6, 1);

/**
 * Writes `<dir>/hyperliquid/` as download-data leaves it, with hand-picked values:
 * - `futures/BTC_USDC_USDC-1h-futures.feather`: 3 hourly BTC perp bars opening at T0, T0+1h, T0+2h;
 * - `futures/BTC_USDC_USDC-1h-funding_rate.feather`: settlements at T0+1h (0.0000125) and T0+2h (−0.00001);
 * - `futures/BTC_USDC_USDC-1h-mark.feather`: one mark bar (not used by replay);
 * - `HYPE_USDC-1h.feather`: 2 hourly HYPE/USDC spot bars (LZ4-compressed when `lz4`).
 * Returns the `hyperliquid` folder.
 */
export function writeFreqtradeDir(dir: string, options: { readonly lz4?: boolean } = {}): string {
  const root = join(dir, "hyperliquid");
  mkdirSync(join(root, "futures"), { recursive: true });
  const lz4 = options.lz4 === true;
  writeFileSync(
    join(root, "futures", "BTC_USDC_USDC-1h-futures.feather"),
    freqtradeFeather(
      [
        { openMs: FIXTURE_T0, open: 107_000, high: 107_500.5, low: 106_800, close: 107_200, volume: 12.5 },
        { openMs: FIXTURE_T0 + H, open: 107_200, high: 107_900, low: 107_100, close: 107_850.25, volume: 8.75 },
        { openMs: FIXTURE_T0 + 2 * H, open: 107_850.25, high: 108_000, low: 107_600, close: 107_700, volume: 3 },
      ],
      { lz4 },
    ),
  );
  writeFileSync(
    join(root, "futures", "BTC_USDC_USDC-1h-funding_rate.feather"),
    freqtradeFeather(
      [
        { openMs: FIXTURE_T0 + H, open: 0.0000125, high: 0, low: 0, close: 0, volume: 0 },
        { openMs: FIXTURE_T0 + 2 * H, open: -0.00001, high: 0, low: 0, close: 0, volume: 0 },
      ],
      { lz4 },
    ),
  );
  writeFileSync(join(root, "futures", "BTC_USDC_USDC-1h-mark.feather"), freqtradeFeather([{ openMs: FIXTURE_T0, open: 107_010, high: 107_490, low: 106_810, close: 107_190, volume: 0 }], { lz4 }));
  writeFileSync(
    join(root, "HYPE_USDC-1h.feather"),
    freqtradeFeather(
      [
        { openMs: FIXTURE_T0, open: 38.5, high: 39.25, low: 38.1, close: 39, volume: 1_000 },
        { openMs: FIXTURE_T0 + H, open: 39, high: 39.5, low: 38.75, close: 38.9, volume: 250.5 },
      ],
      { lz4, dateUnit: "ms" },
    ),
  );
  return root;
}
