import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { parquetReadObjects } from "hyparquet";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OUTCOMES } from "../reports/test-report.ts";
import { OUTCOME_CSV_COLUMNS } from "../reports/csv.ts";
import { OUTCOME_COLUMNAR_SCHEMA, writeOutcomesColumnar } from "./outcomes-columnar.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "outcomes-columnar-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("the outcomes export as Arrow IPC and Parquet", () => {
  it("has the CSV's columns in the CSV's order", () => {
    expect(OUTCOME_COLUMNAR_SCHEMA.map((c) => c.name)).toEqual([...OUTCOME_CSV_COLUMNS]);
  });

  it("writes the row the CSV test checks by hand, typed", async () => {
    // flow-toxicity +200, opened 2025-09-03 10:00 UTC, closed 12:00; 200 / 5 000 = 0.04; gross 200 + 1 fee + 0.5 funding
    const expected = {
      position_id: "p2",
      signal_id: "sig-p2",
      strategy: "flow-toxicity",
      market: "hyperliquid:perp:BTC",
      side: "long",
      opened_ms: 1_756_893_600_000n,
      closed_ms: 1_756_900_800_000n,
      hold_ms: 7_200_000n,
      entry_notional_usd: 5000,
      pnl_usd: 200,
      pnl_fraction: 0.04,
      gross_pnl_usd: 201.5,
      fees_usd: 1,
      funding_usd: -0.5,
      slippage_usd: 0.25,
      exit_reason: "target",
    };
    const arrowPath = join(dir, "outcomes.arrow");
    await writeOutcomesColumnar(arrowPath, "arrow", [OUTCOMES[1]!]);
    const table = tableFromIPC(readFileSync(arrowPath));
    expect(String(table.schema.fields.find((f) => f.name === "opened_utc")?.type)).toBe("Timestamp<MILLISECOND, UTC>");
    const row = table.toArray()[0] as Record<string, unknown>;
    expect(row).toMatchObject(expected);
    expect(row["opened_utc"]).toBe(Date.UTC(2025, 8, 3, 10));
    expect(row["closed_utc"]).toBe(Date.UTC(2025, 8, 3, 12));

    const parquetPath = join(dir, "outcomes.parquet");
    await writeOutcomesColumnar(parquetPath, "parquet", [OUTCOMES[1]!]);
    const bytes = readFileSync(parquetPath);
    const rows: Record<string, unknown>[] = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject(expected);
    expect((rows[0]?.["opened_utc"] as Date).toISOString()).toBe("2025-09-03T10:00:00.000Z");
  });

  it("writes the columns without rows when there are no outcomes", async () => {
    const path = join(dir, "none.feather");
    await writeOutcomesColumnar(path, "arrow", []);
    const table = tableFromIPC(readFileSync(path));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields).toHaveLength(OUTCOME_CSV_COLUMNS.length);
  });
});
