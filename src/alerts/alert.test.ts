import { describe, expect, it } from "vitest";
import { DISCORD_MAX_CHARS, TELEGRAM_MAX_CHARS, alertBody } from "./alert.ts";
import { testAlert } from "./test-destination.ts";

describe("alert bodies", () => {
  const alert = testAlert();

  it("generic: the alert as JSON with its kind, times, title, text and data", () => {
    expect(JSON.parse(alertBody("generic", alert))).toEqual({
      source: "strategy-monitor",
      kind: "signal_taken",
      tsMs: 1_796_299_200_000,
      time: "2026-12-03T12:00:00.000Z",
      title: "signal taken: liquidity long BTC",
      text: "entry ≈ 100",
      data: { strategy: "liquidity" },
    });
  });

  it("telegram: sendMessage's chat_id and a plain text of title and text", () => {
    expect(alertBody("telegram", alert, -1001234567890)).toBe('{"chat_id":-1001234567890,"text":"signal taken: liquidity long BTC\\nentry ≈ 100"}');
    expect(JSON.parse(alertBody("telegram", alert, "@ops"))).toEqual({ chat_id: "@ops", text: "signal taken: liquidity long BTC\nentry ≈ 100" });
  });

  it("discord: a webhook's content, the title in bold", () => {
    expect(alertBody("discord", alert)).toBe('{"content":"**signal taken: liquidity long BTC**\\nentry ≈ 100"}');
  });

  it("clips a long text to each service's limit", () => {
    const long = { ...alert, text: "x".repeat(5_000) };
    const telegram = JSON.parse(alertBody("telegram", long, 1)) as { text: string };
    const discord = JSON.parse(alertBody("discord", long)) as { content: string };
    expect(telegram.text).toHaveLength(TELEGRAM_MAX_CHARS);
    expect(telegram.text.endsWith("…")).toBe(true);
    expect(discord.content).toHaveLength(DISCORD_MAX_CHARS);
  });
});
